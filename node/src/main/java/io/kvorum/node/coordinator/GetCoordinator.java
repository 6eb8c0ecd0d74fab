package io.kvorum.node.coordinator;

import io.kvorum.node.protocol.Outbox;
import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The decisions of one read (Dynamo §4.5): ask all N replicas at once, answer once R have replied,
 * keep listening until every replica replied or the deadline passed, then plan read repairs from
 * everything heard, late replies included.
 *
 * <p>Failure behaviour: a target that fails (unreachable, disk error) is replaced by the next
 * stand-in of a sloppy {@link Placement}; failures count against the quorum, so a read that can no
 * longer reach R answers {@code Unavailable} at once; the deadline answers {@code Unavailable} with
 * the count so far. Duplicate and unknown replies are ignored. A stand-in answers from its own data,
 * and only preferred replicas are repaired: a stand-in keeps no copy of keys it does not own.
 */
public final class GetCoordinator {
    /**
     * What to do after an event: answer the client (at most once per request), ask these stand-ins
     * too, and/or finish with repairs.
     */
    public record Decision(Optional<ReadOutcome> answer, List<Target> ask, boolean finished, List<Repair> repairs) {
        static final Decision NOTHING = new Decision(Optional.empty(), List.of(), false, List.of());
    }

    private final Placement placement;
    private final Predicate<NodeId> healthy;
    private final QuorumTracker tracker;
    private final int maxActors;
    /** The wall time the read started at, for the read repair grace ({@link Outbox#WALL_UNKNOWN}: no grace). */
    private final long wallMillis;
    private final SortedMap<NodeId, Siblings> replies = new TreeMap<>();
    /** Every reply merged so far: kept as they come, so each is merged once, not again for the answer and the repairs. */
    private Siblings merged = Siblings.EMPTY;
    private boolean answered;

    /** @param healthy the failure detector's current view, consulted when a stand-in is needed */
    public GetCoordinator(int r, Placement placement, Predicate<NodeId> healthy, int maxActors) {
        this(r, placement, healthy, maxActors, Outbox.WALL_UNKNOWN);
    }

    /** As above, at wall time {@code wallMillis}: replicas that lack only versions in flight are not repaired. */
    public GetCoordinator(int r, Placement placement, Predicate<NodeId> healthy, int maxActors, long wallMillis) {
        this.wallMillis = wallMillis;
        this.placement = placement;
        this.healthy = healthy;
        this.tracker = new QuorumTracker(r, placement.targets().stream().map(Target::node).toList());
        this.maxActors = maxActors;
    }

    /** The decision right after the requests went out: a quorum larger than the replica set fails at once. */
    public Decision start() {
        return decide();
    }

    public Decision onReply(NodeId from, Siblings state) {
        if (!tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.succeed(from);
        replies.put(from, state);
        merged = merged.merge(state, maxActors);
        return decide();
    }

    /** {@code from} could not serve the read, for {@code reason}: a stand-in takes its place if there is one. */
    public Decision onFailure(NodeId from, String reason) {
        if (!tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.fail(from, reason);
        Optional<Target> standIn = placement.replace(from, healthy);
        standIn.ifPresent(target -> tracker.add(target.node()));
        Decision decided = decide();
        return new Decision(decided.answer(), standIn.stream().toList(), decided.finished(), decided.repairs());
    }

    /** The deadline passed: answer if not done yet, and finish with what was heard. */
    public Decision onTimeout() {
        Optional<ReadOutcome> answer = answered
                ? Optional.empty()
                : Optional.of(unavailable(true));
        answered = true;
        return new Decision(answer, List.of(), true, repairs());
    }

    private Decision decide() {
        Optional<ReadOutcome> answer = Optional.empty();
        if (!answered && tracker.status() != QuorumTracker.Status.PENDING) {
            answered = true;
            answer = Optional.of(tracker.status() == QuorumTracker.Status.SATISFIED
                    ? outcome(merged)
                    : unavailable(false));
        }
        boolean finished = tracker.allResponded();
        return new Decision(answer, List.of(), finished, finished ? repairs() : List.of());
    }

    /** The count, and why it is short: the failures, and preferred replicas left out with no stand-in (suspected, none healthy). */
    private ReadOutcome unavailable(boolean timedOut) {
        List<Shortfall.Refusal> refusals = new ArrayList<>(tracker.shortfall(timedOut).refusals());
        for (NodeId node : placement.preferred()) {
            boolean covered = placement.targets().stream().anyMatch(target -> target.owner().equals(node));
            if (!covered) {
                refusals.add(new Shortfall.Refusal(node, "suspected down by the failure detector, and no healthy node could stand in"));
            }
        }
        return new ReadOutcome.Unavailable(tracker.required(), tracker.acknowledged(), new Shortfall(timedOut, refusals));
    }

    private List<Repair> repairs() {
        SortedMap<NodeId, Siblings> preferred = new TreeMap<>(replies);
        preferred.keySet().retainAll(placement.preferred());
        return ReadRepairPlanner.plan(preferred, merged, wallMillis);
    }

    private static ReadOutcome outcome(Siblings merged) {
        return merged.hasLiveValue()
                ? new ReadOutcome.Found(merged.live(), merged.context())
                : new ReadOutcome.NotFound(merged.context());
    }
}
