package io.kvorum.node.coordinator;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The decisions of one write on its coordinating replica (Dynamo §4.5 and §4.6, with Riak's
 * coordinated put).
 *
 * <p>Design note. Only a preferred replica can coordinate a write, because the new version's dot is
 * the next counter of the coordinator for this key, read from its own stored state (see
 * {@code Siblings}). So the write goes first to the local engine, which issues the dot and stores
 * the new version, and as soon as the version is visible there (before its fsync) at once to the
 * other targets of the {@link Placement}, which merge the coordinator's whole new state (stand-ins
 * keep it as a hint); the local copy counts towards W when its own sync completes, so the
 * coordinator's fsync overlaps the replicas' instead of preceding them. Sending the whole state
 * (not just the new sibling) keeps each replica's knowledge of every actor contiguous.
 *
 * <p>A target that fails is replaced by the next stand-in at once; so is every target still silent
 * at the hedge point (half the deadline), because "healthy" also means "has not timed out on this
 * request". The client is answered after W durable acknowledgements, the local one included; the
 * deadline or too many failures answer {@code Unavailable} with the count and the failures' reasons. When the write finishes,
 * every preferred replica whose copy no target acknowledged gets a hint kept by the coordinator
 * (Cassandra's rule), so a replica that was down still receives the write by handoff; such a hint
 * does not count towards W. A write whose local store fails is not sent anywhere: there is no dot;
 * nor is one that the local store refused because it would take the key past a limit ({@code KeyLimits}).
 */
public final class PutCoordinator {
    /**
     * What to do after an event: answer (at most once), replicate the state to these targets, and/or
     * finish, keeping hints for {@code keepHintsFor}.
     */
    public record Decision(Optional<WriteOutcome> answer, List<Target> replicateTo, boolean finished, List<NodeId> keepHintsFor) {
        static final Decision NOTHING = new Decision(Optional.empty(), List.of(), false, List.of());

        /** This decision, also replicating to {@code targets}. */
        Decision replicatingTo(List<Target> targets) {
            return new Decision(answer, targets, finished, keepHintsFor);
        }

        /** This decision followed by {@code next}: at most one of them answers or keeps hints, because both happen once. */
        Decision then(Decision next) {
            List<Target> targets = new ArrayList<>(replicateTo);
            targets.addAll(next.replicateTo);
            List<NodeId> hints = new ArrayList<>(keepHintsFor);
            hints.addAll(next.keepHintsFor);
            return new Decision(answer.or(next::answer), targets, finished || next.finished, hints);
        }
    }

    private final NodeId self;
    private final Placement placement;
    private final Predicate<NodeId> healthy;
    private final QuorumTracker tracker;
    private Optional<Siblings.NewVersion> version = Optional.empty();
    private boolean answered;
    private boolean finished;

    /**
     * @param placement where the write goes; {@code self} is one of its preferred replicas and a target
     * @param healthy the failure detector's current view, consulted when a stand-in is needed
     */
    public PutCoordinator(NodeId self, int w, Placement placement, Predicate<NodeId> healthy) {
        Invariants.require(placement.target(self).filter(t -> !t.isStandIn()).isPresent(),
                "coordinator %s is not among the replicas %s", self, placement.targets());
        this.self = self;
        this.placement = placement;
        this.healthy = healthy;
        this.tracker = new QuorumTracker(w, placement.targets().stream().map(Target::node).toList());
    }

    /** The local engine stored the new version durably: replicate it and count the local acknowledgement. */
    public Decision onLocalWritten(Siblings.NewVersion written) {
        Decision issued = onLocalIssued(written);
        return issued.then(onLocalDurable());
    }

    /**
     * The new version is stored and visible locally but not yet durable: replicate it now, so the
     * other replicas sync in parallel with this one; the local acknowledgement waits for
     * {@link #onLocalDurable}. A quorum already impossible (too few targets) answers at once.
     */
    public Decision onLocalIssued(Siblings.NewVersion written) {
        Invariants.check(version.isEmpty(), "local write completed twice");
        version = Optional.of(written);
        List<Target> others = new ArrayList<>();
        for (Target target : placement.targets()) {
            if (!target.node().equals(self)) {
                others.add(target);
            }
        }
        return decide().replicatingTo(others);
    }

    /** The local copy of the issued version is durable: it counts towards W. */
    public Decision onLocalDurable() {
        if (version.isEmpty() || tracker.hasResponded(self)) {
            return Decision.NOTHING;
        }
        tracker.succeed(self);
        return decide();
    }

    /**
     * The local engine failed. Before the version was issued nothing can be replicated and the
     * write is unavailable; after it, only the local acknowledgement is lost.
     */
    public Decision onLocalFailed(String reason) {
        tracker.fail(self, reason);
        if (version.isPresent()) {
            return decide();
        }
        Optional<WriteOutcome> answer = answered ? Optional.empty() : Optional.of(unavailable(false));
        answered = true;
        finished = true;
        return new Decision(answer, List.of(), true, List.of());
    }

    /** The local engine refused the write for a key limit: nothing was stored or issued, so the write is refused. */
    public Decision onLocalRefused(KeyLimits.Exceeded exceeded) {
        Invariants.check(version.isEmpty(), "a write refused after its version was issued");
        Optional<WriteOutcome> answer = answered ? Optional.empty() : Optional.of(new WriteOutcome.Refused(exceeded));
        answered = true;
        finished = true;
        return new Decision(answer, List.of(), true, List.of());
    }

    public Decision onAck(NodeId from) {
        if (version.isEmpty() || !tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.succeed(from);
        return decide();
    }

    /** {@code from} could not take the write, for {@code reason}: a stand-in takes its place if there is one. */
    public Decision onFailure(NodeId from, String reason) {
        if (version.isEmpty() || !tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.fail(from, reason);
        List<Target> standIns = new ArrayList<>();
        if (!from.equals(self)) {
            placement.replace(from, healthy).ifPresent(standIns::add);
        }
        standIns.forEach(target -> tracker.add(target.node()));
        return decide().replicatingTo(standIns);
    }

    /**
     * Half the deadline passed: targets still silent count as unhealthy for this request, so each
     * gets a stand-in (while the quorum is still open; late answers of the slow ones still count).
     */
    public Decision onHedge() {
        if (version.isEmpty() || answered) {
            return Decision.NOTHING;
        }
        List<Target> standIns = new ArrayList<>();
        for (Target target : placement.targets()) {
            if (!target.node().equals(self) && !tracker.hasResponded(target.node())) {
                placement.replace(target.node(), healthy).ifPresent(standIns::add);
            }
        }
        standIns.forEach(target -> tracker.add(target.node()));
        return Decision.NOTHING.replicatingTo(standIns);
    }

    public Decision onTimeout() {
        Optional<WriteOutcome> answer = answered ? Optional.empty() : Optional.of(unavailable(true));
        answered = true;
        return new Decision(answer, List.of(), true, finish());
    }

    private Decision decide() {
        Optional<WriteOutcome> answer = Optional.empty();
        if (!answered && tracker.status() != QuorumTracker.Status.PENDING) {
            answered = true;
            answer = Optional.of(tracker.status() == QuorumTracker.Status.SATISFIED
                    ? new WriteOutcome.Written(version.orElseThrow().versionContext(), acks())
                    : unavailable(false));
        }
        boolean done = tracker.allResponded();
        return new Decision(answer, List.of(), done, done ? finish() : List.of());
    }

    /** The preferred replicas (other than this one) whose copy no target acknowledged, once. */
    private List<NodeId> finish() {
        if (finished || version.isEmpty()) {
            finished = true;
            return List.of();
        }
        finished = true;
        List<NodeId> missing = new ArrayList<>();
        for (NodeId owner : placement.preferred()) {
            if (!owner.equals(self) && !acknowledged(owner)) {
                missing.add(owner);
            }
        }
        return missing;
    }

    private boolean acknowledged(NodeId owner) {
        for (Target target : placement.targets()) {
            if (target.owner().equals(owner) && tracker.hasSucceeded(target.node())) {
                return true;
            }
        }
        return false;
    }

    private List<Ack> acks() {
        List<Ack> acks = new ArrayList<>();
        for (Target target : placement.targets()) {
            if (tracker.hasSucceeded(target.node())) {
                acks.add(new Ack(target.node(), target.standInFor()));
            }
        }
        return acks;
    }

    private WriteOutcome unavailable(boolean timedOut) {
        return new WriteOutcome.Unavailable(tracker.required(), tracker.acknowledged(), tracker.shortfall(timedOut));
    }
}
