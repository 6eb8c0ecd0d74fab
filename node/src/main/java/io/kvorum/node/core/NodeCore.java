package io.kvorum.node.core;

import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.common.Bytes;
import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.antientropy.AntiEntropy;
import io.kvorum.node.coordinator.GetCoordinator;
import io.kvorum.node.coordinator.Placement;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.coordinator.PutCoordinator;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.core.Effect.Send;
import io.kvorum.node.core.Input.ClientGet;
import io.kvorum.node.core.Input.ClientWrite;
import io.kvorum.node.core.Input.PeerReceived;
import io.kvorum.node.core.Input.SendFailed;
import io.kvorum.node.core.Input.StorageDone;
import io.kvorum.node.core.Input.TimerFired;
import io.kvorum.node.handoff.HintedHandoff;
import io.kvorum.node.membership.Membership.Outgoing;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.Gossip;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeysRequest;
import io.kvorum.node.message.PeerMessage.KeysResponse;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.node.message.Shortfall;
import io.kvorum.ring.Ring;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The one sans-I/O state machine of a node: coordinator of client requests and replica for its
 * peers. {@link #step} takes an input and the monotonic time and returns effects; it never reads
 * a clock, sleeps, or touches the network or the disk.
 *
 * <p>Design note. Each client request becomes an operation with an id; that id is the request id
 * of every message the operation sends and the id of its deadline timer, so late, duplicate and
 * unknown replies are recognised by a map lookup and ignored once the operation finished.
 * <ul>
 *   <li>Every request goes to the targets of a {@link Placement}: the key's N preferred replicas,
 *       with a sloppy quorum's stand-ins for those the failure detector suspects.</li>
 *   <li>Reads ({@link GetCoordinator}) go to all targets at once; any node can coordinate them.
 *       After answering, the operation lingers until every target replied or the deadline passed,
 *       then sends read repairs to the preferred replicas.</li>
 *   <li>Writes ({@link PutCoordinator}) are coordinated by a preferred replica, because only a
 *       replica can issue the new version's dot; any other node forwards the write to the first
 *       replica that accepts it, healthy ones first. Stand-ins store the write as a hint; the
 *       coordinator keeps hints for preferred replicas whose copy nobody acknowledged.</li>
 *   <li>Hinted handoff ({@link HintedHandoff}) and anti-entropy ({@link AntiEntropy}) run on the
 *       gossip tick, through the same effects, as background protocols.</li>
 *   <li>A delete without a context first reads the key (with the delete's quorum) and then writes a
 *       tombstone with the merged context, so it supersedes everything the replicas that answered hold.</li>
 *   <li>Messages a node sends to itself are delivered within the same step, never via the driver.</li>
 * </ul>
 *
 * <p>Not thread-safe: one owner (an event loop, or the simulator's single thread) calls {@link #step}.
 */
public final class NodeCore {
    /** Where an operation's outcome goes: a local client, or the peer that forwarded the write. */
    private sealed interface ReplyTo {
        record Client(long clientRequestId) implements ReplyTo {}

        record Peer(NodeId node, long requestId) implements ReplyTo {}
    }

    /** A write to perform, as the client (or the forwarding node) asked it. */
    private record WriteParams(Key key, Optional<Bytes> value, Optional<CausalContext> context,
                               int w, boolean sloppy, long timeoutMillis, long wallMillis) {}

    private sealed interface Operation {}

    private record ReadOp(Key key, GetCoordinator coordinator, ReplyTo replyTo, Optional<WriteParams> thenDelete)
            implements Operation {}

    /**
     * A write this node coordinates; {@code stored} is the state its local engine wrote, once it has.
     * A sloppy write's one timer fires first at the hedge point ({@code hedgePending}), then again
     * at {@code deadlineMillis}.
     */
    private static final class WriteOp implements Operation {
        final Key key;
        final PutCoordinator coordinator;
        final ReplyTo replyTo;
        final long deadlineMillis;
        boolean hedgePending;
        Siblings stored;

        WriteOp(Key key, PutCoordinator coordinator, ReplyTo replyTo, long deadlineMillis, boolean hedgePending) {
            this.key = key;
            this.coordinator = coordinator;
            this.replyTo = replyTo;
            this.deadlineMillis = deadlineMillis;
            this.hedgePending = hedgePending;
        }
    }

    /** A write handed to a replica; {@code attempt} indexes the replica tried now. */
    private static final class ForwardOp implements Operation {
        final WriteParams params;
        final List<NodeId> targets;
        final ReplyTo replyTo;
        /** The replicas tried so far that failed, and why. */
        final List<Shortfall.Refusal> refusals = new ArrayList<>();
        int attempt;

        ForwardOp(WriteParams params, List<NodeId> targets, ReplyTo replyTo) {
            this.params = params;
            this.targets = targets;
            this.replyTo = replyTo;
        }

        NodeId target() {
            return targets.get(attempt);
        }
    }

    /** What to do when a storage operation completes. */
    private sealed interface StorageWaiter {
        record CoordinatorWrite(long operationId) implements StorageWaiter {}

        record ServeGet(NodeId from, long requestId) implements StorageWaiter {}

        record ServePut(NodeId from, long requestId) implements StorageWaiter {}

        record ApplyRepair() implements StorageWaiter {}

        record Then(Consumer<StorageResult> callback) implements StorageWaiter {}
    }

    private static final int ID_BLOCK_BITS = 40;

    private final NodeCoreSettings settings;
    private final Membership membership;
    private final ToLongFunction<Key> tokenizer;
    private final CoreMetrics metrics;
    private final DotIssuer issuer;
    private final Map<Long, Operation> operations = new LinkedHashMap<>();
    private final Map<Long, StorageWaiter> storageWaiters = new LinkedHashMap<>();
    private final Map<Long, Runnable> timers = new LinkedHashMap<>();
    private final ForwardDeduplicator forwardsSeen = new ForwardDeduplicator(4096);
    private final HintedHandoff handoff;
    private final AntiEntropy antiEntropy;
    private final ArrayDeque<Input> selfDelivered = new ArrayDeque<>();
    private List<Effect> effects = new ArrayList<>();
    private long nowMillis;
    /**
     * Ids of operations, timers and storage requests. Each incarnation (actor epoch) numbers from
     * its own block of 2^40 so that a reply addressed to a request of the previous run of this node,
     * arriving after a restart, can never be matched to an unrelated request of this run.
     */
    private long nextId;

    public NodeCore(NodeCoreSettings settings, Membership membership, ToLongFunction<Key> tokenizer, CoreMetrics metrics) {
        this.settings = settings;
        this.membership = membership;
        this.tokenizer = tokenizer;
        this.metrics = metrics;
        this.issuer = new DotIssuer(settings.actor());
        this.nextId = (settings.actor().epoch() << ID_BLOCK_BITS) + 1;
        CoreOutbox outbox = new CoreOutbox();
        this.handoff = new HintedHandoff(settings.self(), settings.handoff(), outbox, metrics);
        this.antiEntropy = new AntiEntropy(settings.self(), settings.n(), settings.maxActors(), settings.antiEntropy(), outbox, metrics);
    }

    /** Handles one input at monotonic time {@code nowMillis} and returns what the driver must do. */
    public List<Effect> step(Input input, long nowMillis) {
        this.nowMillis = nowMillis;
        effects = new ArrayList<>();
        handle(input);
        while (!selfDelivered.isEmpty()) {
            handle(selfDelivered.poll());
        }
        return effects;
    }

    /** How many operations are in flight (for metrics and tests). */
    public int operationsInFlight() {
        return operations.size();
    }

    /** The first N distinct nodes of the key's preference list. */
    public List<NodeId> preferenceList(Key key) {
        return membership.ring().preferenceList(tokenizer.applyAsLong(key), settings.n());
    }

    /** Where a request for {@code key} goes now; sloppy only while hinted handoff is on, since stand-ins keep hints. */
    private Placement placement(Key key, boolean sloppy) {
        Ring ring = membership.ring();
        long token = tokenizer.applyAsLong(key);
        return new Placement(ring.preferenceList(token, settings.n()), () -> ring.walk(token),
                sloppy && settings.handoff().enabled(), this::isHealthy);
    }

    private boolean isHealthy(NodeId node) {
        return node.equals(settings.self()) || membership.isAlive(node);
    }

    private void handle(Input input) {
        switch (input) {
            case ClientGet get -> startRead(get.key(), get.r(), get.sloppy(), get.timeoutMillis(),
                    new ReplyTo.Client(get.clientRequestId()), Optional.empty());
            case ClientWrite write -> startWrite(new WriteParams(write.key(), write.value(), write.context(), write.w(),
                    write.sloppy(), write.timeoutMillis(), write.wallMillis()), new ReplyTo.Client(write.clientRequestId()));
            case PeerReceived received -> onMessage(received.from(), received.message());
            case SendFailed failed -> onSendFailed(failed.to(), failed.message());
            case TimerFired timer -> onTimeout(timer.timerId());
            case StorageDone done -> onStorageDone(done.operationId(), done.result());
            case Input.Tick tick -> {
                apply(membership.tick(nowMillis));
                handoff.onTick(membership.members().stream().map(Membership.Member::id).toList(), this::isHealthy);
                antiEntropy.onTick(membership.ring(), this::isHealthy);
            }
            case Input.ShuttingDown down -> apply(membership.shutdown(nowMillis));
        }
    }

    private void apply(Membership.Step step) {
        for (Outgoing outgoing : step.sends()) {
            send(outgoing.to(), new Gossip(outgoing.message()));
        }
        step.tokensTaken().ifPresent(tokens -> emit(new Effect.PersistTokens(tokens)));
        step.suspected().forEach(peer -> emit(new Effect.Disconnect(peer)));
        step.events().forEach(metrics::membershipChanged);
    }

    // ---- reads -------------------------------------------------------------------------------

    private void startRead(Key key, int r, boolean sloppy, long timeoutMillis, ReplyTo replyTo, Optional<WriteParams> thenDelete) {
        long id = nextId++;
        Placement placement = placement(key, sloppy);
        GetCoordinator coordinator = new GetCoordinator(r, placement, this::isHealthy, settings.maxActors());
        operations.put(id, new ReadOp(key, coordinator, replyTo, thenDelete));
        emit(new Effect.SetTimer(id, nowMillis + timeoutMillis));
        for (Target target : placement.targets()) {
            send(target.node(), new ReplicaGetRequest(id, key));
        }
        apply(id, coordinator.start());
    }

    private void apply(long id, GetCoordinator.Decision decision) {
        if (!(operations.get(id) instanceof ReadOp op)) {
            return;
        }
        decision.ask().forEach(target -> send(target.node(), new ReplicaGetRequest(id, op.key())));
        decision.answer().ifPresent(outcome -> answerRead(op, outcome));
        if (decision.finished()) {
            finish(id);
            ReadRepair message = null;
            for (Repair repair : decision.repairs()) {
                if (message == null || message.state() != repair.state()) {
                    message = new ReadRepair(op.key(), repair.state());
                }
                send(repair.to(), message); // every repair carries the one merged state: one message, encoded once
            }
            if (!decision.repairs().isEmpty()) {
                metrics.readRepairsSent(decision.repairs().size());
            }
        }
    }

    private void answerRead(ReadOp op, ReadOutcome outcome) {
        switch (outcome) {
            case ReadOutcome.Unavailable unavailable -> metrics.quorumFailed(op.thenDelete().isPresent());
            case ReadOutcome.Found found -> metrics.readFound(found.values().size(), valueBytes(found));
            case ReadOutcome.NotFound notFound -> { }
        }
        if (op.thenDelete().isEmpty()) {
            if (op.replyTo() instanceof ReplyTo.Client client) {
                emit(new Effect.ReadReply(client.clientRequestId(), outcome));
            }
            return;
        }
        WriteParams delete = op.thenDelete().get();
        switch (outcome) {
            case ReadOutcome.Found found -> startWrite(withContext(delete, found.context()), op.replyTo());
            case ReadOutcome.NotFound notFound -> startWrite(withContext(delete, notFound.context()), op.replyTo());
            case ReadOutcome.Unavailable unavailable ->
                    replyWrite(op.replyTo(), new WriteOutcome.Unavailable(delete.w(), unavailable.acknowledged(), unavailable.shortfall()));
        }
    }

    private static long valueBytes(ReadOutcome.Found found) {
        long bytes = 0;
        for (Sibling sibling : found.values()) {
            bytes += sibling.value().length();
        }
        return bytes;
    }

    private static WriteParams withContext(WriteParams params, CausalContext context) {
        return new WriteParams(params.key(), params.value(), Optional.of(context), params.w(), params.sloppy(),
                params.timeoutMillis(), params.wallMillis());
    }

    // ---- writes ------------------------------------------------------------------------------

    private void startWrite(WriteParams params, ReplyTo replyTo) {
        if (params.value().isEmpty() && params.context().isEmpty()) {
            startRead(params.key(), params.w(), params.sloppy(), params.timeoutMillis(), replyTo, Optional.of(params));
            return;
        }
        Placement placement = placement(params.key(), params.sloppy());
        if (placement.targets().size() < params.w()) {
            // Too few healthy nodes (sloppy) or replicas (strict): fail before issuing a version nobody can acknowledge.
            metrics.quorumFailed(true);
            replyWrite(replyTo, new WriteOutcome.Unavailable(params.w(), 0, new Shortfall(false, unhealthy(placement.preferred()))));
        } else if (!placement.preferred().contains(settings.self())) {
            forward(params, placement.preferred(), replyTo);
        } else {
            coordinateWrite(params, placement, replyTo);
        }
    }

    private void coordinateWrite(WriteParams params, Placement placement, ReplyTo replyTo) {
        long id = nextId++;
        PutCoordinator coordinator = new PutCoordinator(settings.self(), params.w(), placement, this::isHealthy);
        boolean hedge = params.sloppy() && settings.handoff().enabled();
        long deadline = nowMillis + params.timeoutMillis();
        operations.put(id, new WriteOp(params.key(), coordinator, replyTo, deadline, hedge));
        emit(new Effect.SetTimer(id, hedge ? nowMillis + params.timeoutMillis() / 2 : deadline));
        long storageId = nextId++;
        storageWaiters.put(storageId, new StorageWaiter.CoordinatorWrite(id));
        emit(new Effect.Storage(storageId, new StorageOp.CoordinateWrite(params.key(), issuer,
                params.context().orElse(CausalContext.EMPTY), params.value(), params.wallMillis(), settings.maxActors(),
                settings.keyLimits())));
    }

    private void apply(long id, PutCoordinator.Decision decision) {
        if (!(operations.get(id) instanceof WriteOp op)) {
            return;
        }
        if (!decision.replicateTo().isEmpty()) {
            // One message for every replica: the transport encodes a message it sends again only once.
            ReplicaPutRequest request = new ReplicaPutRequest(id, op.key, op.stored);
            for (Target target : decision.replicateTo()) {
                send(target.node(), target.isStandIn()
                        ? new ReplicaPutRequest(id, op.key, op.stored, target.standInFor()) : request);
            }
        }
        if (settings.handoff().enabled()) {
            for (NodeId owner : decision.keepHintsFor()) {
                storeHint(new Hint(owner, op.key, op.stored), result -> { });
            }
        }
        decision.answer().ifPresent(outcome -> {
            switch (outcome) {
                case WriteOutcome.Unavailable unavailable -> metrics.quorumFailed(true);
                case WriteOutcome.Refused refused -> metrics.writeRefused(refused.exceeded().limit());
                case WriteOutcome.Written written -> { }
            }
            replyWrite(op.replyTo, outcome);
        });
        if (decision.finished()) {
            finish(id);
        }
    }

    private void forward(WriteParams params, List<NodeId> replicas, ReplyTo replyTo) {
        long id = nextId++;
        List<NodeId> order = new ArrayList<>();
        replicas.stream().filter(this::isHealthy).forEach(order::add);
        replicas.stream().filter(replica -> !isHealthy(replica)).forEach(order::add);
        operations.put(id, new ForwardOp(params, order, replyTo));
        emit(new Effect.SetTimer(id, nowMillis + params.timeoutMillis()));
        metrics.writeForwarded();
        sendForward(id, params, order.get(0));
    }

    private void sendForward(long id, WriteParams params, NodeId target) {
        // The replica coordinates with a slightly shorter deadline, so its answer arrives before ours expires.
        long replicaTimeoutMillis = Math.max(1, params.timeoutMillis() - Math.min(250, params.timeoutMillis() / 10));
        send(target, new ForwardWriteRequest(id, params.key(), params.value(), params.context(), params.w(),
                params.sloppy(), replicaTimeoutMillis, params.wallMillis()));
    }

    private void onForwardFailed(long id, NodeId target, String reason) {
        if (!(operations.get(id) instanceof ForwardOp op) || !op.target().equals(target)) {
            return;
        }
        op.refusals.add(new Shortfall.Refusal(target, reason));
        op.attempt++;
        if (op.attempt < op.targets.size()) {
            sendForward(id, op.params, op.target());
        } else {
            finish(id);
            replyWrite(op.replyTo, new WriteOutcome.Unavailable(op.params.w(), 0, new Shortfall(false, op.refusals)));
        }
    }

    private void replyWrite(ReplyTo replyTo, WriteOutcome outcome) {
        switch (replyTo) {
            case ReplyTo.Client client -> emit(new Effect.WriteReply(client.clientRequestId(), outcome));
            case ReplyTo.Peer peer -> send(peer.node(), switch (outcome) {
                case WriteOutcome.Written written ->
                        new ForwardWriteResponse(peer.requestId(), Optional.of(written.versionContext()), written.acks(), 0, 0,
                                new Shortfall(false, List.of()));
                case WriteOutcome.Unavailable u ->
                        new ForwardWriteResponse(peer.requestId(), Optional.empty(), List.of(), u.required(), u.acknowledged(),
                                u.shortfall());
                case WriteOutcome.Refused refused -> new ForwardWriteResponse(peer.requestId(), Optional.empty(), List.of(), 0, 0,
                        new Shortfall(false, List.of()), Optional.of(refused.exceeded()));
            });
        }
    }

    // ---- messages ----------------------------------------------------------------------------

    private void onMessage(NodeId from, PeerMessage message) {
        switch (message) {
            case ReplicaGetRequest m -> storage(new StorageWaiter.ServeGet(from, m.requestId()), new StorageOp.Read(m.key()));
            case ReplicaPutRequest m -> {
                if (m.hintFor().isPresent()) {
                    storeHintFor(from, m);
                } else {
                    storage(new StorageWaiter.ServePut(from, m.requestId()), new StorageOp.Merge(m.key(), m.state(), settings.maxActors()));
                }
            }
            case ReadRepair m -> storage(new StorageWaiter.ApplyRepair(), new StorageOp.Merge(m.key(), m.state(), settings.maxActors()));
            case ReplicaGetResponse m -> {
                if (operations.get(m.requestId()) instanceof ReadOp op) {
                    apply(m.requestId(), op.coordinator().onReply(from, m.state()));
                }
            }
            case ReplicaPutResponse m -> {
                if (operations.get(m.requestId()) instanceof WriteOp op) {
                    apply(m.requestId(), op.coordinator.onAck(from));
                }
            }
            case ReplicaFailure m -> {
                if (!handoff.onReply(from, m) && !antiEntropy.onMessage(from, m)) {
                    onReplicaFailed(from, m.requestId(), m.reason());
                }
            }
            case HintBatch m -> storage(new StorageWaiter.Then(result -> send(from, result instanceof StorageResult.Merged
                    ? new HintBatchAck(m.requestId())
                    : new ReplicaFailure(m.requestId(), StorageResult.failureReason(result)))), new StorageOp.MergeAll(m.entries(), settings.maxActors()));
            case HintBatchAck m -> handoff.onReply(from, m);
            case TreeRequest m -> antiEntropy.onMessage(from, m);
            case TreeResponse m -> antiEntropy.onMessage(from, m);
            case KeysRequest m -> antiEntropy.onMessage(from, m);
            case KeysResponse m -> antiEntropy.onMessage(from, m);
            case ForwardWriteRequest m -> onForwardedWrite(from, m);
            case ForwardWriteResponse m -> onForwardAnswered(from, m);
            case Gossip m -> apply(membership.receive(from, m.message(), nowMillis));
        }
    }

    private void onReplicaFailed(NodeId from, long requestId, String reason) {
        switch (operations.get(requestId)) {
            case ReadOp op -> apply(requestId, op.coordinator().onFailure(from, reason));
            case WriteOp op -> apply(requestId, op.coordinator.onFailure(from, reason));
            case ForwardOp op -> onForwardFailed(requestId, from, reason);
            case null -> { }
        }
    }

    private void onForwardedWrite(NodeId from, ForwardWriteRequest m) {
        if (!forwardsSeen.firstTime(from, m.requestId())) {
            return; // a duplicate delivery: writing twice would create a false sibling
        }
        startWrite(new WriteParams(m.key(), m.value(), m.context(), m.w(), m.sloppy(), m.timeoutMillis(), m.wallMillis()),
                new ReplyTo.Peer(from, m.requestId()));
    }

    private void onForwardAnswered(NodeId from, ForwardWriteResponse m) {
        if (!(operations.get(m.requestId()) instanceof ForwardOp op) || !op.target().equals(from)) {
            return;
        }
        finish(m.requestId());
        WriteOutcome outcome;
        if (m.versionContext().isPresent()) {
            outcome = new WriteOutcome.Written(m.versionContext().get(), m.acks());
        } else if (m.refused().isPresent()) {
            outcome = new WriteOutcome.Refused(m.refused().get());
        } else {
            outcome = new WriteOutcome.Unavailable(m.required(), m.acknowledged(), m.shortfall());
        }
        replyWrite(op.replyTo, outcome);
    }

    private void onSendFailed(NodeId to, PeerMessage message) {
        switch (message) {
            case ReplicaGetRequest m -> onReplicaFailed(to, m.requestId(), unreachable(to));
            case ReplicaPutRequest m -> onReplicaFailed(to, m.requestId(), unreachable(to));
            case ForwardWriteRequest m -> onForwardFailed(m.requestId(), to, unreachable(to));
            case HintBatch m -> handoff.onSendFailed(to, m);
            case TreeRequest m -> antiEntropy.onSendFailed(to, m.requestId());
            case KeysRequest m -> antiEntropy.onSendFailed(to, m.requestId());
            // Replies and repairs that cannot be delivered are the sender's loss only: the
            // requester times out, and repair is retried by later reads.
            case ReplicaGetResponse m -> { }
            case ReplicaPutResponse m -> { }
            case ReplicaFailure m -> { }
            case ReadRepair m -> { }
            case ForwardWriteResponse m -> { }
            case HintBatchAck m -> { }
            case TreeResponse m -> { }
            case KeysResponse m -> { }
            case Gossip m -> { }
        }
    }

    // ---- timers and storage ------------------------------------------------------------------

    private void onTimeout(long id) {
        Runnable timer = timers.remove(id);
        if (timer != null) {
            timer.run();
            return;
        }
        switch (operations.get(id)) {
            case ReadOp op -> apply(id, op.coordinator().onTimeout());
            case WriteOp op when op.hedgePending -> {
                op.hedgePending = false;
                emit(new Effect.SetTimer(id, op.deadlineMillis));
                apply(id, op.coordinator.onHedge());
            }
            case WriteOp op -> apply(id, op.coordinator.onTimeout());
            case ForwardOp op -> {
                finish(id);
                metrics.quorumFailed(true);
                replyWrite(op.replyTo, new WriteOutcome.Unavailable(op.params.w(), 0, new Shortfall(true, op.refusals)));
            }
            case null -> { }
        }
    }

    private void onStorageDone(long storageId, StorageResult result) {
        StorageWaiter waiter = storageWaiters.get(storageId);
        if (waiter == null) {
            return;
        }
        if (!(result instanceof StorageResult.Written written && !written.durable())) {
            storageWaiters.remove(storageId); // a write that is visible but not durable reports again
        }
        if (result instanceof StorageResult.Failed failed) {
            metrics.storageFailed(failed.reason());
        }
        switch (waiter) {
            case StorageWaiter.CoordinatorWrite w -> onLocalWrite(w.operationId(), result);
            case StorageWaiter.ServeGet s -> send(s.from(), result instanceof StorageResult.Loaded loaded
                    ? new ReplicaGetResponse(s.requestId(), loaded.state())
                    : new ReplicaFailure(s.requestId(), StorageResult.failureReason(result)));
            case StorageWaiter.ServePut s -> send(s.from(), result instanceof StorageResult.Failed
                    ? new ReplicaFailure(s.requestId(), StorageResult.failureReason(result))
                    : new ReplicaPutResponse(s.requestId()));
            case StorageWaiter.ApplyRepair r -> { }
            case StorageWaiter.Then then -> then.callback().accept(result);
        }
    }

    private void onLocalWrite(long id, StorageResult result) {
        if (!(operations.get(id) instanceof WriteOp op)) {
            return; // timed out while the disk was busy; the version is stored but no one waits
        }
        switch (result) {
            case StorageResult.Written written -> {
                op.stored = written.version().state();
                settings.keyLimits().pastHalf(op.stored).ifPresent(limit ->
                        metrics.keyNearLimit(op.key, limit, op.stored.siblings().size(), VersionCodec.encodedBytesBound(op.stored)));
                apply(id, written.durable()
                        ? op.coordinator.onLocalWritten(written.version())
                        : op.coordinator.onLocalIssued(written.version()));
            }
            case StorageResult.Durable durable -> apply(id, op.coordinator.onLocalDurable());
            case StorageResult.Failed failed -> apply(id, op.coordinator.onLocalFailed(failed.reason()));
            case StorageResult.Refused refused -> apply(id, op.coordinator.onLocalRefused(refused.exceeded()));
            case StorageResult.Loaded other -> unexpected(other);
            case StorageResult.HintStored other -> unexpected(other);
            case StorageResult.HintsLoaded other -> unexpected(other);
            case StorageResult.Merged other -> unexpected(other);
            case StorageResult.Trees other -> unexpected(other);
            case StorageResult.Scanned other -> unexpected(other);
            case StorageResult.Done other -> unexpected(other);
        }
    }

    private static void unexpected(StorageResult result) {
        Invariants.check(false, "a coordinated write was answered with %s", result);
    }

    // ---- hints -------------------------------------------------------------------------------

    /** A stand-in's side of a sloppy write: keep the state as a hint for its owner, then acknowledge. */
    private void storeHintFor(NodeId from, ReplicaPutRequest m) {
        if (!settings.handoff().enabled()) {
            send(from, new ReplicaFailure(m.requestId(), "hinted handoff is disabled on " + settings.self()));
            return;
        }
        NodeId owner = m.hintFor().orElseThrow();
        storeHint(new Hint(owner, m.key(), m.state()), result -> send(from, result instanceof StorageResult.HintStored stored
                ? (stored.accepted()
                        ? new ReplicaPutResponse(m.requestId())
                        : new ReplicaFailure(m.requestId(), "the hint queue for " + owner + " is full"))
                : new ReplicaFailure(m.requestId(), StorageResult.failureReason(result))));
    }

    private void storeHint(Hint hint, Consumer<StorageResult> then) {
        storage(new StorageWaiter.Then(result -> {
            if (result instanceof StorageResult.HintStored stored) {
                if (stored.accepted()) {
                    metrics.hintStored(hint.owner());
                    handoff.onHintStored(hint.owner());
                } else {
                    metrics.hintRefused(hint.owner());
                }
            }
            then.accept(result);
        }), new StorageOp.StoreHint(hint));
    }

    // ---- plumbing ----------------------------------------------------------------------------

    private void storage(StorageWaiter waiter, StorageOp op) {
        long id = nextId++;
        storageWaiters.put(id, waiter);
        emit(new Effect.Storage(id, op));
    }

    private void send(NodeId to, PeerMessage message) {
        if (to.equals(settings.self())) {
            selfDelivered.add(new PeerReceived(to, message));
        } else if (isRequest(message) && !membership.isAlive(to)) {
            // The failure detector suspects it: fail the request now instead of at the deadline.
            selfDelivered.add(new SendFailed(to, message));
        } else {
            emit(new Send(to, message));
        }
    }

    /** Why a request to {@code node} failed without an answer, for a 503's message. */
    private String unreachable(NodeId node) {
        return membership.isAlive(node) ? "unreachable (the connection to it failed)" : "suspected down by the failure detector";
    }

    /** The nodes of {@code nodes} the failure detector suspects, as refusals. */
    private List<Shortfall.Refusal> unhealthy(List<NodeId> nodes) {
        return nodes.stream().filter(node -> !isHealthy(node)).map(node -> new Shortfall.Refusal(node, unreachable(node))).toList();
    }

    /** Requests expect an answer, so failing one early is worth it; a lost response or one-way message costs nothing more. */
    private static boolean isRequest(PeerMessage message) {
        return switch (message) {
            case PeerMessage.Request request -> true;
            case PeerMessage.Response response -> false;
            case PeerMessage.OneWay oneWay -> false;
        };
    }

    private void setTimer(long id, long atMillis, Runnable onFire) {
        timers.put(id, onFire);
        emit(new Effect.SetTimer(id, atMillis));
    }

    /** The background protocols' view of this core. */
    private final class CoreOutbox implements Outbox {
        @Override
        public long nowMillis() {
            return nowMillis;
        }

        @Override
        public long newId() {
            return nextId++;
        }

        @Override
        public void send(NodeId to, PeerMessage message) {
            NodeCore.this.send(to, message);
        }

        @Override
        public void storage(StorageOp op, Consumer<StorageResult> then) {
            NodeCore.this.storage(new StorageWaiter.Then(then), op);
        }

        @Override
        public void setTimer(long timerId, long atMillis, Runnable onFire) {
            NodeCore.this.setTimer(timerId, atMillis, onFire);
        }

        @Override
        public void cancelTimer(long timerId) {
            if (timers.remove(timerId) != null) {
                emit(new Effect.CancelTimer(timerId));
            }
        }
    }

    private void finish(long id) {
        if (operations.remove(id) != null) {
            emit(new Effect.CancelTimer(id));
        }
    }

    private void emit(Effect effect) {
        effects.add(effect);
    }
}
