package io.kvorum.node.handoff;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.ring.Ring;
import io.kvorum.storage.hint.Hints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Hints held for members that have left the ring (left, removed, replaced): handed to each key's
 * replicas under the ring now, the new owners of the departed member's ranges (issue 13).
 *
 * <p>Design note. Every {@code scanMillis} the node asks its hint store which owners it holds hints
 * for; each owner that gossip says has left for good (and is off the ring) is drained one batch at a time: every hint goes to
 * the first live replica of its key, one {@link HintBatch} per replica, and the batch's hints are
 * deleted only once every replica has acknowledged a durable merge. A failure backs off and resends
 * (merging twice is harmless), so a crash at any point never loses a hint.
 */
final class DepartedHints {
    private static final long SCAN_MILLIS = 10_000;

    private final HandoffSettings settings;
    private final Outbox outbox;
    private long nextScanMillis = Long.MIN_VALUE;
    private Set<NodeId> departed = Set.of();
    private NodeId draining;
    private List<Long> ids = List.of();
    private final Map<Long, NodeId> awaiting = new TreeMap<>();
    private long notBeforeMillis;

    DepartedHints(HandoffSettings settings, Outbox outbox) {
        this.settings = settings;
        this.outbox = outbox;
    }

    /** @param left whether a member has left the cluster for good (a tombstone in gossip, not merely unknown) */
    void onTick(Ring ring, int n, ToLongFunction<Key> tokenizer, Predicate<NodeId> alive, Predicate<NodeId> left) {
        long now = outbox.nowMillis();
        if (now >= nextScanMillis && !ring.isEmpty()) {
            nextScanMillis = now + SCAN_MILLIS;
            outbox.storage(new StorageOp.HintOwners(), result -> {
                if (result instanceof StorageResult.HintOwners owners) {
                    Set<NodeId> gone = new TreeSet<>(owners.owners());
                    gone.removeIf(owner -> ring.contains(owner) || !left.test(owner));
                    departed = gone;
                }
            });
        }
        if (draining == null && !departed.isEmpty() && now >= notBeforeMillis) {
            NodeId owner = departed.iterator().next();
            draining = owner;
            outbox.storage(new StorageOp.LoadHints(owner, settings.batchSize(), settings.batchBytesMax()),
                    result -> send(owner, result, ring, n, tokenizer, alive));
        }
    }

    private void send(NodeId owner, StorageResult result, Ring ring, int n, ToLongFunction<Key> tokenizer,
                      Predicate<NodeId> alive) {
        if (!(result instanceof StorageResult.HintsLoaded loaded) || loaded.entries().isEmpty()) {
            departed = without(departed, owner);
            draining = null;
            return;
        }
        Map<NodeId, List<KeyState>> byReplica = new TreeMap<>();
        List<Long> loadedIds = new ArrayList<>();
        for (Hints.Entry entry : loaded.entries()) {
            Key key = entry.hint().key();
            NodeId target = ring.preferenceList(tokenizer.applyAsLong(key), n).stream().filter(alive).findFirst().orElse(null);
            if (target == null) {
                backOff();
                return; // no live replica for this key now: try again later
            }
            byReplica.computeIfAbsent(target, t -> new ArrayList<>()).add(new KeyState(key, entry.hint().state()));
            loadedIds.add(entry.id());
        }
        ids = loadedIds;
        byReplica.forEach((replica, states) -> {
            long requestId = outbox.newId();
            awaiting.put(requestId, replica);
            outbox.setTimer(requestId, outbox.nowMillis() + settings.timeoutMillis(), () -> failed(replica, requestId));
            outbox.send(replica, new HintBatch(requestId, states));
        });
    }

    /** An acknowledgement of one of this class's batches; false when the request is not one. */
    boolean acknowledged(NodeId from, long requestId) {
        if (!from.equals(awaiting.get(requestId))) {
            return false;
        }
        awaiting.remove(requestId);
        outbox.cancelTimer(requestId);
        if (awaiting.isEmpty()) {
            NodeId owner = draining;
            outbox.storage(new StorageOp.DeleteHints(owner, ids), done -> {
                draining = null;
                ids = List.of();
            });
        }
        return true;
    }

    /** A failure (or no answer) for one of this class's batches; false when the request is not one. */
    boolean failed(NodeId from, long requestId) {
        if (!from.equals(awaiting.get(requestId))) {
            return false;
        }
        awaiting.keySet().forEach(outbox::cancelTimer);
        awaiting.clear();
        backOff();
        return true;
    }

    private void backOff() {
        draining = null;
        ids = List.of();
        notBeforeMillis = outbox.nowMillis() + settings.retryMaxMillis();
    }

    private static Set<NodeId> without(Set<NodeId> owners, NodeId owner) {
        Set<NodeId> rest = new TreeSet<>(owners);
        rest.remove(owner);
        return rest;
    }
}
