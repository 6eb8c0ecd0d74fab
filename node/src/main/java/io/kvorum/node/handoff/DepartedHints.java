package io.kvorum.node.handoff;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.hint.Hints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Hints for members that have left the ring (left, removed, or replaced) go to the keys' owners now:
 * the owner they were kept for will never come back for them.
 *
 * <p>Design note. A batch of a departed member's hints is re-homed locally: each state becomes a
 * hint for every replica of its key under the current ring (merged into this node's own store when
 * it is one of them), and only once every one of those is stored are the old hints deleted; hinted
 * handoff then delivers the new hints as any other. A crash in between stores some states twice,
 * which merging makes harmless, and never loses one. A failed step backs off and starts again.
 * Departed members come from gossip's tombstones, so hints left over from before a restart are found.
 */
public final class DepartedHints {
    private static final long RETRY_MILLIS = 5_000;
    /**
     * How often an empty queue of a departed member is looked at again: a coordinator that has not
     * yet heard of the departure may still store a hint for it (a load of an empty queue is cheap).
     */
    private static final long RECHECK_MILLIS = 10_000;

    private final NodeId self;
    private final HandoffSettings settings;
    private final Outbox outbox;
    private final int maxActors;
    private final Function<Key, List<NodeId>> replicasNow;
    private final Consumer<NodeId> hintStored;
    private final Map<NodeId, Long> notBefore = new TreeMap<>();
    private boolean busy;

    /**
     * @param replicasNow the replicas of a key under the current ring
     * @param hintStored told of every owner a re-homed hint was stored for, so handoff loads its queue
     */
    public DepartedHints(NodeId self, HandoffSettings settings, Outbox outbox, int maxActors,
                         Function<Key, List<NodeId>> replicasNow, Consumer<NodeId> hintStored) {
        this.self = self;
        this.settings = settings;
        this.outbox = outbox;
        this.maxActors = maxActors;
        this.replicasNow = replicasNow;
        this.hintStored = hintStored;
    }

    /** A periodic tick: re-home one batch of the first departed member with hints here, one batch at a time. */
    public void onTick(Collection<NodeId> departed) {
        if (!settings.enabled() || busy) {
            return;
        }
        for (NodeId gone : departed) {
            if (!gone.equals(self) && outbox.nowMillis() >= notBefore.getOrDefault(gone, 0L)) {
                busy = true;
                outbox.storage(new StorageOp.LoadHints(gone, settings.batchSize(), settings.batchBytesMax()),
                        result -> loaded(gone, result));
                return;
            }
        }
    }

    private void loaded(NodeId gone, StorageResult result) {
        if (!(result instanceof StorageResult.HintsLoaded hints) || hints.entries().isEmpty()) {
            busy = false;
            notBefore.put(gone, outbox.nowMillis() + (result instanceof StorageResult.HintsLoaded ? RECHECK_MILLIS : RETRY_MILLIS));
            return;
        }
        List<StorageOp> stores = new ArrayList<>();
        TreeSet<NodeId> owners = new TreeSet<>();
        List<Long> ids = new ArrayList<>(hints.entries().size());
        for (Hints.Entry entry : hints.entries()) {
            ids.add(entry.id());
            Key key = entry.hint().key();
            for (NodeId replica : replicasNow.apply(key)) {
                if (replica.equals(self)) {
                    stores.add(new StorageOp.MergeAll(List.of(new KeyState(key, entry.hint().state())), maxActors));
                } else {
                    owners.add(replica);
                    stores.add(new StorageOp.StoreHint(new Hint(replica, key, entry.hint().state())));
                }
            }
        }
        if (stores.isEmpty()) { // no ring to place them on yet
            busy = false;
            notBefore.put(gone, outbox.nowMillis() + RETRY_MILLIS);
            return;
        }
        int[] waiting = {stores.size()};
        boolean[] allStored = {true};
        for (StorageOp store : stores) {
            outbox.storage(store, stored -> {
                allStored[0] &= stored instanceof StorageResult.Merged
                        || stored instanceof StorageResult.HintStored accepted && accepted.accepted();
                if (--waiting[0] == 0) {
                    finish(gone, ids, owners, allStored[0]);
                }
            });
        }
    }

    /** Every new copy is stored: the old hints go (else they stay, and are re-homed again later). */
    private void finish(NodeId gone, List<Long> ids, Collection<NodeId> owners, boolean allStored) {
        owners.forEach(hintStored);
        if (!allStored) {
            busy = false;
            notBefore.put(gone, outbox.nowMillis() + RETRY_MILLIS);
            return;
        }
        outbox.storage(new StorageOp.DeleteHints(gone, ids), deleted -> busy = false);
    }
}
