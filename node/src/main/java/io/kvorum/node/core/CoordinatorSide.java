package io.kvorum.node.core;

import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.node.core.Operation.ForwardOp;
import io.kvorum.node.core.Operation.ReadOp;
import io.kvorum.node.core.Operation.WriteOp;
import io.kvorum.common.NodeId;
import io.kvorum.common.Bytes;
import io.kvorum.node.coordinator.GetCoordinator;
import io.kvorum.node.coordinator.PatchPlanner;
import io.kvorum.node.coordinator.Placement;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.coordinator.PutCoordinator;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.coordinator.StateDigester;
import io.kvorum.node.coordinator.WriteForwarder;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.ReadMode;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.protocol.ValuePatch;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.ring.Ring;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The coordinator side of a node: client reads ({@link GetCoordinator}), writes it coordinates as a
 * preferred replica ({@link PutCoordinator}), and writes it hands to a replica ({@link WriteForwarder}).
 * Those three are pure decisions; this class keeps each running one under its operation id, turns
 * its decisions into messages, storage operations and replies, and feeds it replies, failures and
 * timeouts. The operation id is the request id of every message the operation sends and the id of
 * its deadline timer, so late, duplicate and unknown replies are recognised by one lookup.
 *
 * <p>Not thread-safe: owned by the core.
 */
final class CoordinatorSide {
    /**
     * How many forwarded writes (sender, request id) are remembered to drop duplicated deliveries:
     * far more than a node has in flight within a duplicate's lifetime (one request timeout).
     */
    private static final int FORWARDS_REMEMBERED = 4096;
    /** A forwarded write's replica gets the client's deadline less a tenth of it, at most this much... */
    private static final long FORWARD_MARGIN_MAX_MILLIS = 250;
    /** ...so that the replica's answer (even Unavailable) arrives before the forwarder's own deadline. */
    private static final long FORWARD_MARGIN_DIVISOR = 10;
    /**
     * A sloppy write hedges (replaces silent targets by stand-ins) at this fraction of its deadline,
     * and a digest read stops waiting for a slow data replica (fetches the digests' states): one half.
     */
    private static final long HEDGE_DIVISOR = 2;
    /** The request id of writes to pending replicas: no operation has it, so their answers are dropped. */
    private static final long PENDING_REQUEST_ID = 0;

    private final NodeCoreSettings settings;
    private final Membership membership;
    private final ToLongFunction<Key> tokenizer;
    private final CoreMetrics metrics;
    private final CorePlumbing plumbing;
    private final ReplicaSide replica;
    /**
     * The highest dot counter of this node's actor reserved or issued so far, for any key: the dot
     * issuer's floor (see {@link DotIssuer}), owned here and handed to each write as a value. Every
     * coordinated write reserves the next counter, in the order the writes start; the result gives
     * back the counter the engine issued (higher only if the key already held that one).
     */
    private long lastDotCounter;
    private final OperationTable operations;
    private final ForwardDeduplicator forwardsSeen = new ForwardDeduplicator(FORWARDS_REMEMBERED);

    CoordinatorSide(NodeCoreSettings settings, Membership membership, ToLongFunction<Key> tokenizer, CoreMetrics metrics,
                    CorePlumbing plumbing, ReplicaSide replica) {
        this.settings = settings;
        this.membership = membership;
        this.tokenizer = tokenizer;
        this.metrics = metrics;
        this.plumbing = plumbing;
        this.replica = replica;
        this.operations = new OperationTable(settings.self(), settings.operationsMax(), plumbing, metrics);
    }

    int operationsInFlight() {
        return operations.size();
    }

    /**
     * Where a request for {@code key} goes now; sloppy only while hinted handoff is on, since stand-ins
     * keep hints. A strict request while a membership change is in flight also goes to the nodes that
     * gain the key's range ({@link #pendingFor}).
     */
    private Placement placement(Key key, boolean sloppy) {
        Ring ring = membership.ring();
        long token = tokenizer.applyAsLong(key);
        List<NodeId> preferred = new ArrayList<>(ring.preferenceList(token, settings.n()));
        if (!sloppy) {
            preferred.addAll(pendingFor(key));
        }
        return new Placement(preferred, () -> ring.walk(token), sloppy && settings.handoff().enabled(), plumbing::isHealthy);
    }

    /**
     * The nodes that gain {@code key}'s range in the change in flight. A strict read or write then
     * needs R (or W) plus one answer per such node, from the current replicas and them together
     * (Cassandra's blockFor + pending): as many nodes lose the range as gain it, so that is R (W)
     * answers among the current replicas and R (W) among the replicas after the change both. Nodes
     * switch from one ring to the other at different moments, and a quorum in each is what makes a
     * strict read intersect every acknowledged strict write across the switch (found by the
     * simulator: a write acknowledged by W replicas of the ring after a join was not found by an R
     * read of a node still on the ring before it, and the other way round).
     */
    private List<NodeId> pendingFor(Key key) {
        return membership.plan().map(plan -> plan.pendingFor(tokenizer.applyAsLong(key))).orElse(List.of());
    }

    /** The answers a request needs beyond R or W: one per pending node of a strict request. */
    private int pendingExtra(Key key, boolean sloppy) {
        return sloppy ? 0 : pendingFor(key).size();
    }

    // ---- reads -------------------------------------------------------------------------------

    void startRead(Key key, int r, boolean sloppy, long timeoutMillis, ReplyTo replyTo, AfterRead then) {
        Optional<Shortfall> full = operations.full();
        if (full.isPresent()) {
            refuseRead(replyTo, then, new ReadOutcome.Unavailable(r, 0, full.get()));
            return;
        }
        Placement placement = placement(key, sloppy);
        StateDigester digester = replica.digester();
        GetCoordinator coordinator = new GetCoordinator(placement, plumbing::isHealthy, new GetCoordinator.Settings(
                r + pendingExtra(key, sloppy), settings.maxActors(), plumbing.wallMillis(),
                settings.digestReads() ? GetCoordinator.dataReplica(placement, settings.self(), plumbing::isHealthy) : Optional.empty(),
                state -> digester.digest(key, state), settings.readFromAll()));
        long deadlineMillis = plumbing.nowMillis() + timeoutMillis;
        // The one timer fires first at the hedge point, where digests stop waiting for a slow data replica.
        long id = operations.start(new ReadOp(key, coordinator, replyTo, then, deadlineMillis, true),
                plumbing.nowMillis() + timeoutMillis / HEDGE_DIVISOR);
        for (Target target : coordinator.initialTargets()) {
            plumbing.send(target.node(), new ReplicaGetRequest(id, key, coordinator.modeFor(target.node())));
        }
        onReadDecision(id, coordinator.start());
    }

    /** Too many operations in flight: the read (or the delete or PATCH it starts) is refused before it begins. */
    private void refuseRead(ReplyTo replyTo, AfterRead then, ReadOutcome.Unavailable refused) {
        switch (then) {
            case AfterRead.Answer answer -> {
                if (replyTo instanceof ReplyTo.Client client) {
                    plumbing.emit(new Effect.ReadReply(client.clientRequestId(), refused));
                }
            }
            case AfterRead.Delete(WriteRequest delete) -> replyWrite(replyTo, new WriteOutcome.Unavailable(delete.w(), 0, refused.shortfall()));
            case AfterRead.Patch patch -> replyPatch(replyTo, new PatchOutcome.ReadUnavailable(refused.required(), 0, refused.shortfall()));
        }
    }

    void onReadReply(NodeId from, ReplicaGetResponse response) {
        if (operations.get(response.requestId()) instanceof ReadOp op) {
            onReadDecision(response.requestId(), op.coordinator.onReply(from, response.state()));
        }
    }

    void onReadDigest(NodeId from, ReplicaDigestResponse response) {
        if (operations.get(response.requestId()) instanceof ReadOp op) {
            onReadDecision(response.requestId(), op.coordinator.onDigest(from, response.digest()));
        }
    }

    private void onReadDecision(long id, GetCoordinator.Decision decision) {
        if (!(operations.get(id) instanceof ReadOp op)) {
            return;
        }
        if (decision.digestMismatches() > 0) {
            metrics.readDigestMismatches(decision.digestMismatches());
        }
        // Stand-ins and the replicas whose digests did not match are asked for their whole state.
        decision.ask().forEach(target -> plumbing.send(target.node(), new ReplicaGetRequest(id, op.key, ReadMode.DATA)));
        decision.fetch().forEach(node -> plumbing.send(node, new ReplicaGetRequest(id, op.key, ReadMode.DATA)));
        decision.answer().ifPresent(outcome -> answerRead(op, outcome));
        if (decision.finished()) {
            operations.finish(id);
            sendRepairs(op.key, decision.repairs());
        }
    }

    private void sendRepairs(Key key, List<Repair> repairs) {
        ReadRepair message = null;
        for (Repair repair : repairs) {
            if (message == null || message.state() != repair.state()) {
                message = new ReadRepair(key, repair.state());
            }
            plumbing.send(repair.to(), message); // every repair carries the one merged state: one message, encoded once
        }
        if (!repairs.isEmpty()) {
            metrics.readRepairsSent(repairs.size());
        }
    }

    private void answerRead(ReadOp op, ReadOutcome outcome) {
        switch (outcome) {
            case ReadOutcome.Unavailable unavailable -> metrics.quorumFailed(!(op.then instanceof AfterRead.Answer));
            case ReadOutcome.Found found -> metrics.readFound(found.values().size(), valueBytes(found));
            case ReadOutcome.NotFound notFound -> { }
        }
        switch (op.then) {
            case AfterRead.Answer answer -> {
                if (op.replyTo instanceof ReplyTo.Client client) {
                    plumbing.emit(new Effect.ReadReply(client.clientRequestId(), outcome));
                }
            }
            case AfterRead.Delete(WriteRequest delete) -> deleteAfterRead(op, delete, outcome);
            case AfterRead.Patch(WriteRequest write, ValuePatch patch) -> {
                switch (PatchPlanner.plan(outcome, patch, write.context())) {
                    case PatchPlanner.Decision.Write(Bytes value, CausalContext context) ->
                            startWrite(write.withValue(value, context), op.replyTo);
                    case PatchPlanner.Decision.Answer(PatchOutcome answer) -> replyPatch(op.replyTo, answer);
                }
            }
        }
    }

    private void deleteAfterRead(ReadOp op, WriteRequest delete, ReadOutcome outcome) {
        switch (outcome) {
            case ReadOutcome.Found found -> startWrite(delete.withContext(found.context()), op.replyTo);
            case ReadOutcome.NotFound notFound -> startWrite(delete.withContext(notFound.context()), op.replyTo);
            case ReadOutcome.Unavailable unavailable -> replyWrite(op.replyTo,
                    new WriteOutcome.Unavailable(delete.w(), unavailable.acknowledged(), unavailable.shortfall()));
        }
    }

    /** A client PATCH: read first (its write follows in {@link #answerRead}). */
    void startPatch(Input.ClientPatch patch) {
        WriteRequest write = new WriteRequest(patch.key(), Optional.empty(), patch.context(), patch.w(), patch.sloppy(),
                patch.timeoutMillis(), patch.wallMillis());
        startRead(patch.key(), patch.r(), patch.sloppy(), patch.timeoutMillis(), new ReplyTo.PatchClient(patch.clientRequestId()),
                new AfterRead.Patch(write, patch.patch()));
    }

    private void replyPatch(ReplyTo replyTo, PatchOutcome outcome) {
        if (replyTo instanceof ReplyTo.PatchClient client) {
            plumbing.emit(new Effect.PatchReply(client.clientRequestId(), outcome));
        } else {
            Invariants.check(false, "a PATCH answers its own client only, not %s", replyTo);
        }
    }

    private static long valueBytes(ReadOutcome.Found found) {
        long bytes = 0;
        for (Sibling sibling : found.values()) {
            bytes += sibling.value().length();
        }
        return bytes;
    }

    // ---- writes ------------------------------------------------------------------------------

    void startWrite(WriteRequest request, ReplyTo replyTo) {
        if (request.isBlindDelete()) {
            startRead(request.key(), request.w(), request.sloppy(), request.timeoutMillis(), replyTo, new AfterRead.Delete(request));
            return;
        }
        Optional<Shortfall> full = operations.full();
        if (full.isPresent()) {
            replyWrite(replyTo, new WriteOutcome.Unavailable(request.w(), 0, full.get()));
            return;
        }
        Placement placement = placement(request.key(), request.sloppy());
        if (placement.targets().size() < request.w() + pendingExtra(request.key(), request.sloppy())) {
            // Too few healthy nodes (sloppy) or replicas (strict): fail before issuing a version nobody can acknowledge.
            metrics.quorumFailed(true);
            replyWrite(replyTo, new WriteOutcome.Unavailable(request.w(), 0,
                    new Shortfall(false, plumbing.unhealthy(placement.preferred()), Shortfall.Stored.NOTHING)));
        } else if (!placement.preferred().contains(settings.self())) {
            forward(request, placement.preferred(), replyTo);
        } else {
            coordinateWrite(request, placement, replyTo);
        }
    }

    /** A peer that is not a replica of the key forwarded a client's write to this one. */
    void onForwardedWrite(NodeId from, ForwardWriteRequest forwarded) {
        if (!forwardsSeen.firstTime(from, forwarded.requestId())) {
            return; // a duplicate delivery: writing twice would create a false sibling
        }
        startWrite(WriteRequest.of(forwarded), new ReplyTo.Peer(from, forwarded.requestId()));
    }

    private void coordinateWrite(WriteRequest request, Placement placement, ReplyTo replyTo) {
        PutCoordinator coordinator = new PutCoordinator(settings.self(), request.w() + pendingExtra(request.key(), request.sloppy()),
                placement, plumbing::isHealthy);
        boolean hedge = request.sloppy() && settings.handoff().enabled();
        long deadlineMillis = plumbing.nowMillis() + request.timeoutMillis();
        long id = operations.start(new WriteOp(request.key(), coordinator, replyTo, deadlineMillis, hedge),
                hedge ? plumbing.nowMillis() + request.timeoutMillis() / HEDGE_DIVISOR : deadlineMillis);
        CausalContext context = ownClaimsCapped(request.context().orElse(CausalContext.EMPTY));
        plumbing.storage(new StorageWaiter.CoordinatorWrite(id), new StorageOp.CoordinateWrite(request.key(), settings.actor(), ++lastDotCounter,
                context, request.value(), request.wallMillis(), settings.maxActors(), settings.keyLimits()));
    }

    /**
     * The client's context, less any claim on this node's own dots beyond the highest it issued
     * (issue 14). Such dots do not exist, so dropping them loses nothing; taken as they are, they
     * would raise the dot issuer's floor to whatever the client wrote, up to overflow, and every later
     * write of the key through this node would fail. Only a forged context holds them (or one signed
     * by a member node that forged it): it is reported as a rejected context.
     */
    private CausalContext ownClaimsCapped(CausalContext context) {
        long claimed = context.maxCounter(settings.actor());
        if (claimed <= lastDotCounter) {
            return context;
        }
        metrics.contextRejected("it claims dot " + claimed + " of " + settings.actor() + ", which issued only up to "
                + lastDotCounter + "; the claim is ignored");
        return context.cappedAt(settings.actor(), lastDotCounter);
    }

    void onWriteAck(NodeId from, ReplicaPutResponse response) {
        if (operations.get(response.requestId()) instanceof WriteOp op) {
            onWriteDecision(response.requestId(), op.coordinator.onAck(from));
        }
    }

    /** The local engine's answer to the coordinated write of operation {@code id}. */
    void onLocalWrite(long id, StorageResult result) {
        if (result instanceof StorageResult.Written written) {
            lastDotCounter = Math.max(lastDotCounter, written.version().dot().counter()); // even if nobody waits any more
        }
        if (!(operations.get(id) instanceof WriteOp op)) {
            return; // timed out while the disk was busy; the version is stored but no one waits
        }
        switch (result) {
            case StorageResult.Written written -> {
                op.stored = written.version().state();
                settings.keyLimits().pastHalf(op.stored).ifPresent(limit ->
                        metrics.keyNearLimit(op.key, limit, op.stored.siblings().size(), VersionCodec.encodedBytesBound(op.stored)));
                onWriteDecision(id, written.durable()
                        ? op.coordinator.onLocalWritten(written.version())
                        : op.coordinator.onLocalIssued(written.version()));
            }
            case StorageResult.Durable durable -> onWriteDecision(id, op.coordinator.onLocalDurable());
            case StorageResult.Failed failed -> onWriteDecision(id, op.coordinator.onLocalFailed(failed.reason()));
            case StorageResult.Refused refused -> onWriteDecision(id, op.coordinator.onLocalRefused(refused.exceeded()));
            case StorageResult.Loaded other -> unexpected(other);
            case StorageResult.HintStored other -> unexpected(other);
            case StorageResult.HintsLoaded other -> unexpected(other);
            case StorageResult.Merged other -> unexpected(other);
            case StorageResult.Trees other -> unexpected(other);
            case StorageResult.StatesRead other -> unexpected(other);
            case StorageResult.Digested other -> unexpected(other);
            case StorageResult.Done other -> unexpected(other);
            case StorageResult.Streamed other -> unexpected(other);
        }
    }

    private static void unexpected(StorageResult result) {
        Invariants.check(false, "a coordinated write was answered with %s", result);
    }

    private void onWriteDecision(long id, PutCoordinator.Decision decision) {
        if (!(operations.get(id) instanceof WriteOp op)) {
            return;
        }
        if (!decision.replicateTo().isEmpty()) {
            // One message for every replica: the transport encodes a message it sends again only once.
            ReplicaPutRequest request = new ReplicaPutRequest(id, op.key, op.stored);
            for (Target target : decision.replicateTo()) {
                plumbing.send(target.node(), target.isStandIn()
                        ? new ReplicaPutRequest(id, op.key, op.stored, target.standInFor()) : request);
            }
            sendToPending(op);
        }
        if (settings.handoff().enabled()) {
            for (NodeId owner : decision.keepHintsFor()) {
                replica.storeHint(new Hint(owner, op.key, op.stored), result -> { });
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
            operations.finish(id);
        }
    }

    /**
     * While a membership change is in flight, the nodes that gain the key's range get every write
     * too (Cassandra's pending ranges), so nothing written during their transfer is missing when
     * they take over. Their answers to this copy count for nothing (the request id 0 belongs to no
     * operation); a strict write has them among its targets as well, and counts their answers there.
     */
    private void sendToPending(WriteOp op) {
        if (op.pendingSent) {
            return;
        }
        op.pendingSent = true;
        membership.plan().ifPresent(plan -> {
            for (NodeId pending : plan.pendingFor(tokenizer.applyAsLong(op.key))) {
                if (!pending.equals(settings.self())) {
                    plumbing.send(pending, new ReplicaPutRequest(PENDING_REQUEST_ID, op.key, op.stored));
                }
            }
        });
    }

    // ---- forwarding --------------------------------------------------------------------------

    private void forward(WriteRequest request, List<NodeId> replicas, ReplyTo replyTo) {
        WriteForwarder forwarder = new WriteForwarder(request.w(), replicas, plumbing::isHealthy);
        long id = operations.start(new ForwardOp(request, forwarder, replyTo), plumbing.nowMillis() + request.timeoutMillis());
        metrics.writeForwarded();
        onForwardDecision(id, forwarder.start());
    }

    void onForwardAnswered(NodeId from, ForwardWriteResponse response) {
        if (operations.get(response.requestId()) instanceof ForwardOp op) {
            onForwardDecision(response.requestId(), op.forwarder().onAnswer(from, ForwardedWrites.outcomeOf(response)));
        }
    }

    private void onForwardDecision(long id, WriteForwarder.Decision decision) {
        if (!(operations.get(id) instanceof ForwardOp op)) {
            return;
        }
        decision.forwardTo().ifPresent(target -> {
            // The replica coordinates with a slightly shorter deadline, so its answer arrives before ours expires.
            long timeoutMillis = op.request().timeoutMillis();
            long replicaTimeoutMillis = Math.max(1, timeoutMillis - Math.min(FORWARD_MARGIN_MAX_MILLIS, timeoutMillis / FORWARD_MARGIN_DIVISOR));
            plumbing.send(target, op.request().forwarded(id, replicaTimeoutMillis));
        });
        if (decision.finished()) {
            operations.finish(id);
            replyWrite(op.replyTo(), decision.answer().orElseThrow());
        }
    }

    private void replyWrite(ReplyTo replyTo, WriteOutcome outcome) {
        switch (replyTo) {
            case ReplyTo.Client client -> plumbing.emit(new Effect.WriteReply(client.clientRequestId(), outcome));
            case ReplyTo.PatchClient client -> plumbing.emit(new Effect.PatchReply(client.clientRequestId(),
                    new PatchOutcome.Applied(outcome)));
            case ReplyTo.Peer peer -> plumbing.send(peer.node(), ForwardedWrites.responseOf(peer.requestId(), outcome));
        }
    }

    // ---- failures and deadlines --------------------------------------------------------------

    /** The request {@code requestId} to {@code from} failed (a failure reply, or it could not be sent). */
    void onReplicaFailed(NodeId from, long requestId, String reason) {
        switch (operations.get(requestId)) {
            case ReadOp op -> onReadDecision(requestId, op.coordinator.onFailure(from, reason));
            case WriteOp op -> onWriteDecision(requestId, op.coordinator.onFailure(from, reason));
            case ForwardOp op -> onForwardDecision(requestId, op.forwarder().onFailure(from, reason));
            case null -> { }
        }
    }

    /** The timer of operation {@code id} fired: a write's hedge point, or a deadline. */
    void onTimeout(long id) {
        switch (operations.get(id)) {
            case ReadOp op when op.hedgePending -> {
                op.hedgePending = false;
                plumbing.emit(new Effect.SetTimer(id, op.deadlineMillis));
                onReadDecision(id, op.coordinator.onHedge());
            }
            case ReadOp op -> onReadDecision(id, op.coordinator.onTimeout());
            case WriteOp op when op.hedgePending -> {
                op.hedgePending = false;
                plumbing.emit(new Effect.SetTimer(id, op.deadlineMillis));
                onWriteDecision(id, op.coordinator.onHedge());
            }
            case WriteOp op -> onWriteDecision(id, op.coordinator.onTimeout());
            case ForwardOp op -> {
                metrics.quorumFailed(true);
                onForwardDecision(id, op.forwarder().onTimeout());
            }
            case null -> { }
        }
    }
}
