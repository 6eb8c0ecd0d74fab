package io.kvorum.node.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.QuorumTracker.Status;
import io.kvorum.node.message.Shortfall;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link QuorumTracker}: when a quorum is met, when it is lost, and what it ignores. */
class QuorumTrackerTest {
    private static final NodeId A = NodeId.of("node-a");
    private static final NodeId B = NodeId.of("node-b");
    private static final NodeId C = NodeId.of("node-c");
    private static final NodeId STRANGER = NodeId.of("node-z");
    private static final List<NodeId> REPLICAS = List.of(A, B, C);

    @Test
    void pendingUntilExactlyRequiredSucceeded() {
        QuorumTracker tracker = new QuorumTracker(2, REPLICAS);

        assertEquals(Status.PENDING, tracker.status());
        assertEquals(Status.PENDING, tracker.succeed(A));
        assertEquals(Status.SATISFIED, tracker.succeed(C));
        assertEquals(2, tracker.acknowledged());
    }

    @Test
    void staysSatisfiedWhenMoreReplicasAnswer() {
        QuorumTracker tracker = new QuorumTracker(2, REPLICAS);
        tracker.succeed(A);
        tracker.succeed(B);

        assertEquals(Status.SATISFIED, tracker.fail(C, "down"));
        assertTrue(tracker.allResponded());
    }

    @Test
    void failsAsSoonAsTheRemainingReplicasCannotReachTheQuorum() {
        QuorumTracker tracker = new QuorumTracker(2, REPLICAS);

        assertEquals(Status.PENDING, tracker.fail(A, "down"));
        assertEquals(Status.FAILED, tracker.fail(B, "down"));
        assertFalse(tracker.allResponded(), "failed before the last replica answered: a prompt 503");
        assertEquals(0, tracker.acknowledged());
    }

    @Test
    void allReplicasRequiredFailsOnTheFirstFailure() {
        QuorumTracker tracker = new QuorumTracker(3, REPLICAS);
        tracker.succeed(A);

        assertEquals(Status.FAILED, tracker.fail(B, "down"));
        assertEquals(1, tracker.acknowledged());
        assertEquals(3, tracker.required());
    }

    @Test
    void duplicateSuccessCountsOnce() {
        QuorumTracker tracker = new QuorumTracker(2, REPLICAS);
        tracker.succeed(A);

        assertEquals(Status.PENDING, tracker.succeed(A));
        assertEquals(1, tracker.acknowledged());
    }

    @Test
    void duplicateFailureCountsOnce() {
        QuorumTracker tracker = new QuorumTracker(2, REPLICAS);
        tracker.fail(A, "down");

        assertEquals(Status.PENDING, tracker.fail(A, "down"), "one failure, counted twice, would lose the quorum");
        assertEquals(Status.PENDING, tracker.succeed(B));
        assertEquals(Status.SATISFIED, tracker.succeed(C));
    }

    @Test
    void firstAnswerOfAReplicaWins() {
        QuorumTracker succeededFirst = new QuorumTracker(3, REPLICAS);
        succeededFirst.succeed(A);
        assertEquals(Status.PENDING, succeededFirst.fail(A, "down"), "a failure after a success is ignored");
        assertEquals(1, succeededFirst.acknowledged());

        QuorumTracker failedFirst = new QuorumTracker(1, REPLICAS);
        failedFirst.fail(A, "down");
        assertEquals(Status.PENDING, failedFirst.succeed(A), "a success after a failure is ignored");
        assertEquals(0, failedFirst.acknowledged());
    }

    @Test
    void repliesOfNodesNotAskedAreIgnored() {
        QuorumTracker tracker = new QuorumTracker(1, REPLICAS);

        assertEquals(Status.PENDING, tracker.succeed(STRANGER));
        assertEquals(Status.PENDING, tracker.fail(STRANGER, "down"));
        assertFalse(tracker.isReplica(STRANGER));
        assertFalse(tracker.hasResponded(STRANGER));
        assertEquals(0, tracker.acknowledged());
    }

    @Test
    void quorumLargerThanTheReplicaSetFailsAtOnce() {
        QuorumTracker tracker = new QuorumTracker(4, REPLICAS);

        assertEquals(Status.FAILED, tracker.status());
    }

    @Test
    void emptyReplicaSetFailsAtOnce() {
        assertEquals(Status.FAILED, new QuorumTracker(1, List.of()).status());
    }

    @Test
    void quorumBelowOneIsAProgrammerError() {
        assertThrows(IllegalArgumentException.class, () -> new QuorumTracker(0, REPLICAS));
    }

    @Test
    void theShortfallNamesFailuresInArrivalOrderWithTheirFirstReason() {
        QuorumTracker tracker = new QuorumTracker(3, REPLICAS);
        tracker.fail(C, "unreachable");
        tracker.succeed(B);
        tracker.fail(A, "No space left on device");
        tracker.fail(C, "a second reason");
        tracker.fail(STRANGER, "not asked");

        assertEquals(new Shortfall(false, List.of(new Shortfall.Refusal(C, "unreachable"),
                new Shortfall.Refusal(A, "No space left on device"))), tracker.shortfall(false));
        assertTrue(tracker.shortfall(true).timedOut());
        assertTrue(tracker.shortfall(false).refusals().get(1).diskFull());
        assertFalse(tracker.shortfall(false).refusals().get(0).diskFull());
    }

    @Test
    void allRespondedCountsSuccessesAndFailures() {
        QuorumTracker tracker = new QuorumTracker(1, REPLICAS);
        tracker.succeed(A);
        tracker.fail(B, "down");
        assertFalse(tracker.allResponded());

        tracker.succeed(C);

        assertTrue(tracker.allResponded());
        assertTrue(tracker.hasResponded(B));
    }
}
