package io.kvorum.node.handoff;

import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.storage.hint.Hints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Hands hints back to their owners (Dynamo §4.6): the sending side of hinted handoff, a sans-I/O
 * state machine driven by ticks, storage results and the owners' replies.
 *
 * <p>Design note. For each owner the failure detector sees up, the node loads the oldest batch of
 * hints, sends it, and only when the owner acknowledged that it merged the batch durably deletes
 * those hints and loads the next; so a crash at any point re-sends (merging twice is harmless) and
 * never loses a hint. One batch per owner is in flight at a time. A token bucket bounds the hints
 * per second over all owners, so a returning node is not flooded. A failed or unanswered batch
 * backs the owner off exponentially ({@code retry-min} doubling up to {@code retry-max}); the back-off
 * resets after a success. An owner whose queue was found empty is not asked for again until the
 * node stores a hint for it ({@link #onHintStored}); after a restart every owner is asked once.
 */
public final class HintedHandoff {
    private static final class Owner {
        boolean busy;
        /** The last load found no hints, and none was stored since: no need to ask the store again. */
        boolean drained;
        int failures;
        long notBeforeMillis;
        List<Long> ids = List.of();
    }

    private final NodeId self;
    private final HandoffSettings settings;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private final Map<NodeId, Owner> owners = new TreeMap<>();
    private final Map<Long, NodeId> inFlight = new TreeMap<>();
    private double tokens;
    private long refilledAtMillis = Long.MIN_VALUE;

    public HintedHandoff(NodeId self, HandoffSettings settings, Outbox outbox, CoreMetrics metrics) {
        this.self = self;
        this.settings = settings;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /** A periodic tick: start a delivery to every live member that is idle and not backing off. */
    public void onTick(Collection<NodeId> members, Predicate<NodeId> alive) {
        if (!settings.enabled()) {
            return;
        }
        refill();
        for (NodeId member : members) {
            if (!member.equals(self) && alive.test(member)) {
                tryLoad(member, owners.computeIfAbsent(member, m -> new Owner()));
            }
        }
    }

    /** A hint for {@code owner} was stored here, so its queue is worth loading again. */
    public void onHintStored(NodeId owner) {
        owners.computeIfAbsent(owner, o -> new Owner()).drained = false;
    }

    /** True when {@code message} was a reply to one of this machine's batches (and was handled). */
    public boolean onReply(NodeId from, PeerMessage.Response message) {
        return switch (message) {
            case HintBatchAck ack -> delivered(from, ack.requestId());
            case PeerMessage.ReplicaFailure failure -> failed(from, failure.requestId());
            // The coordinators' and anti-entropy's replies.
            case PeerMessage.ReplicaGetResponse other -> false;
            case PeerMessage.ReplicaDigestResponse other -> false;
            case PeerMessage.ReplicaPutResponse other -> false;
            case PeerMessage.ForwardWriteResponse other -> false;
            case PeerMessage.TreeResponse other -> false;
            case PeerMessage.KeyHashesResponse other -> false;
            case PeerMessage.KeyStatesResponse other -> false;
            case PeerMessage.StreamBatch other -> false;
        };
    }

    /** A batch could not be sent to {@code to}. */
    public void onSendFailed(NodeId to, HintBatch batch) {
        failed(to, batch.requestId());
    }

    private void refill() {
        long nowMillis = outbox.nowMillis();
        if (refilledAtMillis != Long.MIN_VALUE) {
            tokens = Math.min(settings.ratePerSecond(), tokens + (nowMillis - refilledAtMillis) * settings.ratePerSecond() / 1000.0);
        } else {
            tokens = settings.ratePerSecond();
        }
        refilledAtMillis = nowMillis;
    }

    private void tryLoad(NodeId member, Owner owner) {
        if (owner.busy || owner.drained || outbox.nowMillis() < owner.notBeforeMillis || tokens < 1) {
            return;
        }
        owner.busy = true;
        int count = (int) Math.min(settings.batchSize(), Math.floor(tokens));
        tokens -= count; // reserved now, so the owners loading in the same tick share the bucket
        outbox.storage(new StorageOp.LoadHints(member, count, settings.batchBytesMax()), result -> loaded(member, owner, count, result));
    }

    private void loaded(NodeId member, Owner owner, int reserved, StorageResult result) {
        int loaded = result instanceof StorageResult.HintsLoaded hints ? hints.entries().size() : 0;
        tokens += reserved - loaded;
        if (loaded == 0) {
            owner.busy = false;
            owner.drained = result instanceof StorageResult.HintsLoaded;
            return;
        }
        StorageResult.HintsLoaded hints = (StorageResult.HintsLoaded) result;
        List<KeyState> states = new ArrayList<>(hints.entries().size());
        List<Long> ids = new ArrayList<>(hints.entries().size());
        for (Hints.Entry entry : hints.entries()) {
            states.add(new KeyState(entry.hint().key(), entry.hint().state()));
            ids.add(entry.id());
        }
        long requestId = outbox.newId();
        owner.ids = ids;
        inFlight.put(requestId, member);
        outbox.setTimer(requestId, outbox.nowMillis() + settings.timeoutMillis(), () -> failed(member, requestId));
        outbox.send(member, new HintBatch(requestId, states));
    }

    /** The owner whose batch {@code requestId} was, now no longer in flight; null for a stale or foreign reply. */
    private Owner settle(NodeId from, long requestId) {
        if (!from.equals(inFlight.get(requestId))) {
            return null;
        }
        inFlight.remove(requestId);
        outbox.cancelTimer(requestId);
        return owners.get(from);
    }

    private boolean delivered(NodeId from, long requestId) {
        Owner owner = settle(from, requestId);
        if (owner == null) {
            return false;
        }
        List<Long> ids = owner.ids;
        owner.failures = 0;
        metrics.hintsDelivered(from, ids.size());
        outbox.storage(new StorageOp.DeleteHints(from, ids), result -> {
            owner.busy = false;
            owner.ids = List.of();
            refill();
            tryLoad(from, owner); // keep draining while the rate allows; ticks resume otherwise
        });
        return true;
    }

    private boolean failed(NodeId from, long requestId) {
        Owner owner = settle(from, requestId);
        if (owner == null) {
            return false;
        }
        owner.busy = false;
        owner.ids = List.of();
        owner.failures++;
        long backoff = Math.min(settings.retryMaxMillis(), settings.retryMinMillis() << Math.min(owner.failures - 1, 30));
        owner.notBeforeMillis = outbox.nowMillis() + backoff;
        return true;
    }
}
