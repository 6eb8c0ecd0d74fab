package io.kvorum.node.coordinator;

import io.kvorum.common.NodeId;
import io.kvorum.node.core.ReadOutcome;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The decisions of one read (Dynamo §4.5): ask all N replicas at once, answer once R have replied,
 * keep listening until every replica replied or the deadline passed, then plan read repairs from
 * everything heard, late replies included.
 *
 * <p>Failure behaviour: replicas that fail (unreachable, disk error) count against the quorum, so a
 * read that can no longer reach R answers {@code Unavailable} at once; the deadline answers
 * {@code Unavailable} with the count so far. Duplicate and unknown replies are ignored.
 */
public final class GetCoordinator {
    /** What to do after an event: answer the client (at most once per request), and/or finish with repairs. */
    public record Decision(Optional<ReadOutcome> answer, boolean finished, List<Repair> repairs) {
        static final Decision NOTHING = new Decision(Optional.empty(), false, List.of());
    }

    private final QuorumTracker tracker;
    private final int maxActors;
    private final SortedMap<NodeId, Siblings> replies = new TreeMap<>();
    private boolean answered;

    public GetCoordinator(int r, List<NodeId> replicas, int maxActors) {
        this.tracker = new QuorumTracker(r, replicas);
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
        return decide();
    }

    public Decision onFailure(NodeId from) {
        if (!tracker.isReplica(from) || tracker.hasResponded(from)) {
            return Decision.NOTHING;
        }
        tracker.fail(from);
        return decide();
    }

    /** The deadline passed: answer if not done yet, and finish with what was heard. */
    public Decision onTimeout() {
        Optional<ReadOutcome> answer = answered
                ? Optional.empty()
                : Optional.of(new ReadOutcome.Unavailable(tracker.required(), tracker.acknowledged()));
        answered = true;
        return new Decision(answer, true, repairs());
    }

    private Decision decide() {
        Optional<ReadOutcome> answer = Optional.empty();
        if (!answered && tracker.status() != QuorumTracker.Status.PENDING) {
            answered = true;
            answer = Optional.of(tracker.status() == QuorumTracker.Status.SATISFIED
                    ? outcome(ReadRepairPlanner.merge(replies, maxActors))
                    : new ReadOutcome.Unavailable(tracker.required(), tracker.acknowledged()));
        }
        boolean finished = tracker.allResponded();
        return new Decision(answer, finished, finished ? repairs() : List.of());
    }

    private List<Repair> repairs() {
        return ReadRepairPlanner.plan(replies, ReadRepairPlanner.merge(replies, maxActors));
    }

    private static ReadOutcome outcome(Siblings merged) {
        return merged.hasLiveValue()
                ? new ReadOutcome.Found(merged.live(), merged.context())
                : new ReadOutcome.NotFound(merged.context());
    }
}
