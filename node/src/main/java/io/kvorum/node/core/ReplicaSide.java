package io.kvorum.node.core;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.StateDigester;
import io.kvorum.node.handoff.HintedHandoff;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.storage.hint.Hint;
import java.util.function.Consumer;

/**
 * The replica side of a node: serves its peers' replica reads and writes, read repairs and hint
 * batches from local storage, and keeps hints as a sloppy quorum's stand-in. Every reply is sent
 * only once the storage operation behind it is done (durable, for writes).
 *
 * <p>Not thread-safe: owned by the core.
 */
final class ReplicaSide {
    private final NodeCoreSettings settings;
    private final CorePlumbing plumbing;
    private final HintedHandoff handoff;
    private final CoreMetrics metrics;
    private final StateDigester digester = new StateDigester();

    ReplicaSide(NodeCoreSettings settings, CorePlumbing plumbing, HintedHandoff handoff, CoreMetrics metrics) {
        this.settings = settings;
        this.plumbing = plumbing;
        this.handoff = handoff;
        this.metrics = metrics;
    }

    /** The digests of this node's reads, served and compared (one per core: it is not thread-safe). */
    StateDigester digester() {
        return digester;
    }

    void serveGet(NodeId from, ReplicaGetRequest request) {
        plumbing.storage(new StorageWaiter.ServeGet(from, request.requestId(), request.key(), request.mode()),
                new StorageOp.Read(request.key()));
    }

    void servePut(NodeId from, ReplicaPutRequest request) {
        if (request.hintFor().isPresent()) {
            storeHintFor(from, request);
        } else {
            plumbing.storage(new StorageWaiter.ServePut(from, request.requestId()),
                    new StorageOp.Merge(request.key(), request.state(), settings.maxActors()));
        }
    }

    void applyRepair(ReadRepair repair) {
        plumbing.storage(new StorageWaiter.ApplyRepair(), new StorageOp.Merge(repair.key(), repair.state(), settings.maxActors()));
    }

    /** Hinted handoff's receiving end: merge the states a stand-in kept for this node, then acknowledge. */
    void mergeHintBatch(NodeId from, HintBatch batch) {
        plumbing.storage(new StorageWaiter.Then(result -> plumbing.send(from, result instanceof StorageResult.Merged
                ? new HintBatchAck(batch.requestId())
                : new ReplicaFailure(batch.requestId(), StorageResult.failureReason(result)))),
                new StorageOp.MergeAll(batch.entries(), settings.maxActors()));
    }

    /** The replica read's storage is done: answer with the state or its digest, as asked, or with why it failed. */
    void answerGet(StorageWaiter.ServeGet waiter, StorageResult result) {
        if (!(result instanceof StorageResult.Loaded loaded)) {
            plumbing.send(waiter.from(), new ReplicaFailure(waiter.requestId(), StorageResult.failureReason(result)));
            return;
        }
        plumbing.send(waiter.from(), switch (waiter.mode()) {
            case DATA -> new ReplicaGetResponse(waiter.requestId(), loaded.state());
            case DIGEST -> new ReplicaDigestResponse(waiter.requestId(), digester.digest(waiter.key(), loaded.state()));
        });
    }

    /** The replica write's merge is done (durably): acknowledge, or say why it failed. */
    void answerPut(StorageWaiter.ServePut waiter, StorageResult result) {
        plumbing.send(waiter.from(), result instanceof StorageResult.Failed
                ? new ReplicaFailure(waiter.requestId(), StorageResult.failureReason(result))
                : new ReplicaPutResponse(waiter.requestId()));
    }

    /** A stand-in's side of a sloppy write: keep the state as a hint for its owner, then acknowledge. */
    private void storeHintFor(NodeId from, ReplicaPutRequest request) {
        if (!settings.handoff().enabled()) {
            plumbing.send(from, new ReplicaFailure(request.requestId(), "hinted handoff is disabled on " + settings.self()));
            return;
        }
        NodeId owner = request.hintFor().orElseThrow();
        storeHint(new Hint(owner, request.key(), request.state()), result -> plumbing.send(from,
                result instanceof StorageResult.HintStored stored
                        ? (stored.accepted()
                                ? new ReplicaPutResponse(request.requestId())
                                : new ReplicaFailure(request.requestId(), "the hint queue for " + owner + " is full"))
                        : new ReplicaFailure(request.requestId(), StorageResult.failureReason(result))));
    }

    /** Stores {@code hint} durably (as a stand-in, or for a coordinator's unacknowledged replica), then runs {@code then}. */
    void storeHint(Hint hint, Consumer<StorageResult> then) {
        plumbing.storage(new StorageWaiter.Then(result -> {
            if (result instanceof StorageResult.HintStored stored) {
                if (stored.accepted()) {
                    metrics.hintStored(hint.owner());
                    handoff.onHintStored(hint.owner());
                } else {
                    metrics.hintRefused(hint.owner());
                }
            } else {
                // A failed store (its fsync, say) may still have left the hint in the store: have
                // handoff look again, or the hint would sit there until another hint for its owner
                // came along (found by the simulator's disk errors, issue 12).
                handoff.onHintStored(hint.owner());
            }
            then.accept(result);
        }), new StorageOp.StoreHint(hint));
    }
}
