package io.kvorum.node.core;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.antientropy.AntiEntropy;
import io.kvorum.node.coordinator.GetCoordinator;
import io.kvorum.node.coordinator.Placement;
import io.kvorum.node.coordinator.PutCoordinator;
import io.kvorum.node.coordinator.WriteForwarder;
import io.kvorum.node.core.Input.ClientGet;
import io.kvorum.node.core.Input.ClientWrite;
import io.kvorum.node.core.Input.PeerReceived;
import io.kvorum.node.core.Input.SendFailed;
import io.kvorum.node.core.Input.StorageDone;
import io.kvorum.node.core.Input.TimerFired;
import io.kvorum.node.handoff.DepartedHints;
import io.kvorum.node.handoff.HintedHandoff;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.Membership.Outgoing;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.Gossip;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeyHashesRequest;
import io.kvorum.node.message.PeerMessage.KeyHashesResponse;
import io.kvorum.node.message.PeerMessage.KeyStatesRequest;
import io.kvorum.node.message.PeerMessage.KeyStatesResponse;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.membership.ChangePlan;
import io.kvorum.node.transfer.TransferProgress;
import io.kvorum.node.transfer.Transfers;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The one sans-I/O state machine of a node: coordinator of client requests and replica for its
 * peers. {@link #step} takes an input and the monotonic time and returns effects; it never reads
 * a clock, sleeps, or touches the network or the disk.
 *
 * <p>Design note. This class only dispatches; each input goes to the part that owns it:
 * <ul>
 *   <li>the coordinator side ({@link CoordinatorSide}): client reads ({@link GetCoordinator}) go to
 *       all targets of a {@link Placement} at once (one asked for its state, the others for a digest
 *       of theirs), and after answering linger for read repair;
 *       writes are coordinated by a preferred replica ({@link PutCoordinator}), because only a
 *       replica can issue the new version's dot, and any other node hands them to one
 *       ({@link WriteForwarder}). A delete without a context first reads the key (with the delete's
 *       quorum) and then writes a tombstone with the merged context, so it supersedes everything
 *       the replicas that answered hold.</li>
 *   <li>the replica side ({@link ReplicaSide}): peers' replica reads and writes, read repairs, hint
 *       batches, and hints kept as a stand-in.</li>
 *   <li>hinted handoff ({@link HintedHandoff}) and anti-entropy ({@link AntiEntropy}), background
 *       protocols run on the gossip tick, and membership, through the same effects.</li>
 *   <li>the plumbing ({@link CorePlumbing}): ids, the effects of the step, storage waiters, the
 *       background timers, and messages a node sends itself, delivered within the same step.</li>
 * </ul>
 *
 * <p>Not thread-safe: one owner (an event loop, or the simulator's single thread) calls {@link #step}.
 */
public final class NodeCore {
    private final Membership membership;
    private final ToLongFunction<Key> tokenizer;
    private final int n;
    private final CoreMetrics metrics;
    private final CorePlumbing plumbing;
    private final CoordinatorSide coordinator;
    private final ReplicaSide replica;
    private final HintedHandoff handoff;
    private final DepartedHints departedHints;
    private final AntiEntropy antiEntropy;
    private final Transfers transfers;
    private final NodeId self;

    public NodeCore(NodeCoreSettings settings, Membership membership, ToLongFunction<Key> tokenizer, CoreMetrics metrics) {
        this(settings, membership, tokenizer, metrics, Optional.empty());
    }

    /** @param resumed the transfer progress stored before a restart, if any */
    public NodeCore(NodeCoreSettings settings, Membership membership, ToLongFunction<Key> tokenizer, CoreMetrics metrics,
                    Optional<TransferProgress> resumed) {
        this.membership = membership;
        this.self = settings.self();
        this.tokenizer = tokenizer;
        this.n = settings.n();
        this.metrics = metrics;
        this.plumbing = new CorePlumbing(settings.self(), settings.actor().epoch(), membership, settings.operationsMax(), metrics);
        this.handoff = new HintedHandoff(settings.self(), settings.handoff(), plumbing.outbox(), metrics);
        this.departedHints = new DepartedHints(settings.self(), settings.handoff(), plumbing.outbox(), settings.maxActors(),
                this::preferenceList, handoff::onHintStored);
        this.antiEntropy = new AntiEntropy(settings.self(), settings.n(), settings.maxActors(), settings.antiEntropy(),
                plumbing.outbox(), metrics, () -> membership.plan().isPresent() ? -1 : membership.ring().fingerprint());
        this.replica = new ReplicaSide(settings, plumbing, handoff, metrics);
        this.transfers = new Transfers(settings.self(), settings.transfer(), settings.maxActors(), tokenizer, plumbing.outbox(), metrics,
                progress -> plumbing.emit(new Effect.PersistTransfers(progress)), resumed);
        this.coordinator = new CoordinatorSide(settings, membership, tokenizer, metrics, plumbing, replica);
    }

    /** Handles one input at monotonic time {@code nowMillis} and returns what the driver must do. */
    public List<Effect> step(Input input, long nowMillis) {
        plumbing.begin(nowMillis);
        handle(input);
        for (Input delivered = plumbing.nextSelfDelivered(); delivered != null; delivered = plumbing.nextSelfDelivered()) {
            handle(delivered);
        }
        return plumbing.effects();
    }

    /** How many operations are in flight (for metrics and tests). */
    public int operationsInFlight() {
        return coordinator.operationsInFlight();
    }

    /** The transfers this node receives, for {@code GET /cluster/transfers}; safe from any thread. */
    public List<Transfers.View> transfers() {
        return transfers.views();
    }

    /** The first N distinct nodes of the key's preference list. */
    public List<NodeId> preferenceList(Key key) {
        return membership.ring().preferenceList(tokenizer.applyAsLong(key), n);
    }

    private void handle(Input input) {
        switch (input) {
            case ClientGet get -> coordinator.startRead(get.key(), get.r(), get.sloppy(), get.timeoutMillis(),
                    new ReplyTo.Client(get.clientRequestId()), new AfterRead.Answer());
            case ClientWrite write -> coordinator.startWrite(WriteRequest.of(write), new ReplyTo.Client(write.clientRequestId()));
            case Input.ClientPatch patch -> coordinator.startPatch(patch);
            case PeerReceived received -> onMessage(received.from(), received.message());
            case SendFailed failed -> onSendFailed(failed.to(), failed.message());
            case TimerFired timer -> {
                if (!plumbing.fireTimer(timer.timerId())) {
                    coordinator.onTimeout(timer.timerId());
                }
            }
            case StorageDone done -> onStorageDone(done.operationId(), done.result());
            case Input.Tick tick -> {
                plumbing.wallClockRead(tick.wallMillis());
                onTick();
            }
            case Input.ShuttingDown down -> applyMembership(membership.shutdown(plumbing.nowMillis()));
            case Input.Admin admin -> {
                Membership.ChangeRequest result = switch (admin.command()) {
                    case Input.AdminCommand.Leave leave -> membership.leave(plumbing.nowMillis());
                    case Input.AdminCommand.Remove remove -> membership.remove(remove.node(), plumbing.nowMillis());
                };
                applyMembership(result.step());
                plumbing.emit(new Effect.AdminReply(admin.requestId(), result));
            }
        }
    }

    /**
     * A gossip round, then the background protocols: transfers of the change in flight (reported to
     * the membership once this node has all its ranges), hinted handoff, and anti-entropy, which
     * waits while a change is in flight (the replicas of a moving range differ by design).
     */
    private void onTick() {
        applyMembership(membership.tick(plumbing.nowMillis()));
        Optional<ChangePlan> plan = membership.plan();
        boolean seen = plan.map(p -> membership.seenByAllLive(p.id())).orElse(true);
        transfers.onTick(plan, seen, plumbing::isHealthy, () -> membership.ring().replicatedRanges(self, n))
                .ifPresent(planId -> applyMembership(membership.streamed(planId, plumbing.nowMillis())));
        handoff.onTick(membership.members().stream().map(Membership.Member::id).toList(), plumbing::isHealthy);
        departedHints.onTick(membership.departed());
        if (plan.isEmpty()) {
            antiEntropy.onTick(membership.ring(), plumbing::isHealthy);
        }
    }

    private void applyMembership(Membership.Step step) {
        for (Outgoing outgoing : step.sends()) {
            plumbing.send(outgoing.to(), new Gossip(outgoing.message()));
        }
        step.tokensTaken().ifPresent(taken -> plumbing.emit(new Effect.PersistTokens(taken.tokens(), taken.joined())));
        if (step.left()) {
            plumbing.emit(new Effect.Left());
        }
        step.suspected().forEach(peer -> plumbing.emit(new Effect.Disconnect(peer)));
        step.events().forEach(metrics::membershipChanged);
    }

    private void onMessage(NodeId from, PeerMessage message) {
        switch (message) {
            case ReplicaGetRequest request -> replica.serveGet(from, request);
            case ReplicaPutRequest request -> replica.servePut(from, request);
            case ReadRepair repair -> replica.applyRepair(repair);
            case HintBatch batch -> replica.mergeHintBatch(from, batch);
            case ForwardWriteRequest forwarded -> coordinator.onForwardedWrite(from, forwarded);
            case ReplicaGetResponse response -> coordinator.onReadReply(from, response);
            case PeerMessage.ReplicaDigestResponse response -> coordinator.onReadDigest(from, response);
            case ReplicaPutResponse response -> coordinator.onWriteAck(from, response);
            case ForwardWriteResponse response -> coordinator.onForwardAnswered(from, response);
            case PeerMessage.StreamRequest request -> transfers.serve(from, request);
            case PeerMessage.StreamBatch batch -> transfers.onBatch(from, batch);
            case ReplicaFailure failure -> {
                if (!handoff.onReply(from, failure) && !antiEntropy.onMessage(from, failure)
                        && !transfers.onFailure(from, failure.requestId(), failure.reason())) {
                    coordinator.onReplicaFailed(from, failure.requestId(), failure.reason());
                }
            }
            case HintBatchAck ack -> handoff.onReply(from, ack);
            case TreeRequest request -> antiEntropy.onMessage(from, request);
            case TreeResponse response -> antiEntropy.onMessage(from, response);
            case KeyHashesRequest request -> antiEntropy.onMessage(from, request);
            case KeyHashesResponse response -> antiEntropy.onMessage(from, response);
            case KeyStatesRequest request -> antiEntropy.onMessage(from, request);
            case KeyStatesResponse response -> antiEntropy.onMessage(from, response);
            case Gossip gossip -> applyMembership(membership.receive(from, gossip.message(), plumbing.nowMillis()));
        }
    }

    private void onSendFailed(NodeId to, PeerMessage message) {
        switch (message) {
            case PeerMessage.Request request -> onRequestUnsent(to, request);
            // Replies and repairs that cannot be delivered are the sender's loss only: the
            // requester times out, and repair is retried by later reads.
            case PeerMessage.Response response -> { }
            case PeerMessage.OneWay oneWay -> { }
        }
    }

    private void onRequestUnsent(NodeId to, PeerMessage.Request request) {
        switch (request) {
            case ReplicaGetRequest get -> coordinator.onReplicaFailed(to, get.requestId(), plumbing.unreachable(to));
            case ReplicaPutRequest put -> coordinator.onReplicaFailed(to, put.requestId(), plumbing.unreachable(to));
            case ForwardWriteRequest forwarded -> coordinator.onReplicaFailed(to, forwarded.requestId(), plumbing.unreachable(to));
            case HintBatch batch -> handoff.onSendFailed(to, batch);
            case TreeRequest tree -> antiEntropy.onSendFailed(to, tree.requestId());
            case KeyHashesRequest hashes -> antiEntropy.onSendFailed(to, hashes.requestId());
            case KeyStatesRequest states -> antiEntropy.onSendFailed(to, states.requestId());
            case PeerMessage.StreamRequest stream -> transfers.onFailure(to, stream.requestId(), plumbing.unreachable(to));
        }
    }

    private void onStorageDone(long storageId, StorageResult result) {
        StorageWaiter waiter = plumbing.waiterFor(storageId, result);
        if (waiter == null) {
            return;
        }
        if (result instanceof StorageResult.Failed failed) {
            metrics.storageFailed(failed.reason());
        }
        switch (waiter) {
            case StorageWaiter.CoordinatorWrite write -> coordinator.onLocalWrite(write.operationId(), result);
            case StorageWaiter.ServeGet get -> replica.answerGet(get, result);
            case StorageWaiter.ServePut put -> replica.answerPut(put, result);
            case StorageWaiter.ApplyRepair repair -> { }
            case StorageWaiter.Then then -> then.callback().accept(result);
        }
    }
}
