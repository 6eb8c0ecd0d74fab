package io.kvorum.node.coordinator;

import static io.kvorum.node.coordinator.ReplicaStates.A;
import static io.kvorum.node.coordinator.ReplicaStates.ALL_HEALTHY;
import static io.kvorum.node.coordinator.ReplicaStates.B;
import static io.kvorum.node.coordinator.ReplicaStates.C;
import static io.kvorum.node.coordinator.ReplicaStates.X;
import static io.kvorum.node.coordinator.ReplicaStates.Y;
import static io.kvorum.node.coordinator.ReplicaStates.strict;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.GetCoordinator.Decision;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@link GetCoordinator} asking R targets at first (the default {@code quorum.read-fanout: quorum}):
 * which targets, and when the spares join (a failure, the hedge point), so that a read reaches R
 * whenever asking everyone at once would have.
 */
class GetCoordinatorFanoutTest {
    private static final Key KEY = Key.of("k");
    private static final StateDigester DIGESTER = new StateDigester();

    private static Optional<MerkleHash> digest(Siblings state) {
        return DIGESTER.digest(KEY, state);
    }

    private static GetCoordinator read(int r, Placement placement, NodeId dataReplica, Predicate<NodeId> healthy) {
        return new GetCoordinator(placement, healthy, new GetCoordinator.Settings(r, NO_PRUNING, Outbox.WALL_UNKNOWN,
                Optional.of(dataReplica), GetCoordinatorFanoutTest::digest, false));
    }

    private static List<NodeId> nodes(List<Target> targets) {
        return targets.stream().map(Target::node).toList();
    }

    @Test
    void theDataReplicaComesFirstThenReplicasTheFailureDetectorTrustsInRingOrder() {
        assertEquals(List.of(B, A), nodes(read(2, strict(), B, ALL_HEALTHY).initialTargets()));
        assertEquals(List.of(B, C), nodes(read(2, strict(), B, node -> !node.equals(A)).initialTargets()), "a is suspected");
        assertEquals(List.of(A), nodes(read(1, strict(), A, ALL_HEALTHY).initialTargets()));
        assertEquals(List.of(C, A, B), nodes(read(3, strict(), C, ALL_HEALTHY).initialTargets()), "R = N asks everyone");
        Placement withStandIn = new Placement(List.of(A, B, C, NodeId.of("node-d")), 3, true, node -> !node.equals(A));
        assertEquals(List.of(B, C), nodes(read(2, withStandIn, B, ALL_HEALTHY).initialTargets()),
                "a stand-in holds only hints: preferred replicas first");
    }

    @Test
    void agreeingReplicasAnswerAndFinishWithoutTheSpare() {
        GetCoordinator coordinator = read(2, strict(), A, ALL_HEALTHY);
        coordinator.start();

        coordinator.onReply(A, Y);
        Decision second = coordinator.onDigest(B, digest(Y));

        assertEquals(Optional.of(List.of(Y.live().get(0))), second.answer().map(outcome -> ((ReadOutcome.Found) outcome).values()));
        assertTrue(second.finished(), "c was never asked: nothing to wait for");
        assertEquals(List.of(), second.repairs());
        assertEquals(Decision.NOTHING, coordinator.onHedge(), "a finished read asks nobody more");
    }

    @Test
    void aFailedTargetIsReplacedByTheSpareBeforeTheReadGivesUp() {
        GetCoordinator coordinator = read(2, strict(), A, ALL_HEALTHY);
        coordinator.start();
        coordinator.onReply(A, Y);

        Decision failed = coordinator.onFailure(B, "unreachable");

        assertEquals(List.of(C), nodes(failed.ask()));
        assertEquals(Optional.empty(), failed.answer(), "one of two, and c may still answer");
        Decision spare = coordinator.onReply(C, Y);
        assertInstanceOf(ReadOutcome.Found.class, spare.answer().orElseThrow());
        assertTrue(spare.finished());
    }

    @Test
    void withNoSpareLeftAFailureThatLeavesRUnreachableAnswersUnavailable() {
        GetCoordinator coordinator = read(2, strict(), A, ALL_HEALTHY);
        coordinator.start();
        assertEquals(List.of(C), nodes(coordinator.onFailure(B, "unreachable").ask()));

        Decision last = coordinator.onFailure(C, "disk error");

        assertInstanceOf(ReadOutcome.Unavailable.class, last.answer().orElseThrow());
    }

    @Test
    void atTheHedgePointASilentTargetIsJoinedByTheSpare() {
        GetCoordinator coordinator = read(2, strict(), A, ALL_HEALTHY);
        coordinator.start();
        coordinator.onReply(A, Y);

        Decision hedge = coordinator.onHedge();

        assertEquals(List.of(C), nodes(hedge.ask()), "b is silent: c is asked for its state");
        Decision spare = coordinator.onReply(C, X);
        assertInstanceOf(ReadOutcome.Found.class, spare.answer().orElseThrow());
        assertFalse(spare.finished(), "b may still answer before the deadline");
        Decision late = coordinator.onDigest(B, digest(Y));
        assertTrue(late.finished());
        assertEquals(List.of(new Repair(C, Y)), late.repairs(), "c, asked only because b was slow, is repaired");
    }

    @Test
    void aSlowDataReplicaMakesTheDigestFetchedAndTheSpareAsked() {
        GetCoordinator coordinator = read(2, strict(), A, ALL_HEALTHY);
        coordinator.start();
        coordinator.onDigest(B, digest(Y));

        Decision hedge = coordinator.onHedge();

        assertEquals(List.of(C), nodes(hedge.ask()));
        assertEquals(List.of(B), hedge.fetch(), "b's digest stops waiting for a");
        coordinator.onReply(B, Y);
        Decision answer = coordinator.onReply(C, Y.merge(X, NO_PRUNING));
        assertEquals(Optional.of(new ReadOutcome.Found(Y.live(), Y.context())), answer.answer());
    }
}
