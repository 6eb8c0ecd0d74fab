package io.kvorum.node.coordinator;

import static io.kvorum.node.coordinator.ReplicaStates.A;
import static io.kvorum.node.coordinator.ReplicaStates.B;
import static io.kvorum.node.coordinator.ReplicaStates.C;
import static io.kvorum.node.coordinator.ReplicaStates.DELETED_Y;
import static io.kvorum.node.coordinator.ReplicaStates.X;
import static io.kvorum.node.coordinator.ReplicaStates.Y;
import static io.kvorum.node.coordinator.ReplicaStates.YZ;
import static io.kvorum.node.coordinator.ReplicaStates.Z;
import static io.kvorum.node.coordinator.ReplicaStates.values;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionFixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link ReadRepairPlanner}: the merge of the replies, and which replicas get it. */
class ReadRepairPlannerTest {
    private static SortedMap<NodeId, Siblings> replies(Siblings a, Siblings b, Siblings c) {
        SortedMap<NodeId, Siblings> replies = new TreeMap<>();
        replies.put(A, a);
        replies.put(B, b);
        replies.put(C, c);
        return replies;
    }

    private static List<Repair> plan(Map<NodeId, Siblings> replies) {
        return ReadRepairPlanner.plan(replies, ReadRepairPlanner.merge(replies, NO_PRUNING));
    }

    @Test
    void noRepliesMergeToEmptyAndNeedNoRepair() {
        assertEquals(Siblings.EMPTY, ReadRepairPlanner.merge(Map.of(), NO_PRUNING));
        assertEquals(List.of(), plan(Map.of()));
    }

    @Test
    void mergeKeepsConcurrentValuesAndDropsSupersededOnes() {
        Siblings merged = ReadRepairPlanner.merge(replies(X, Y, Z), NO_PRUNING);

        assertEquals(YZ, merged);
        assertEquals(List.of("y", "z"), values(merged));
    }

    @Test
    void aReplicaLackingOnlyAVersionInFlightIsLeftAloneUntilTheGracePasses() {
        // y was stamped at wall time 1,000; b has only x, which y supersedes: b lacks y alone.
        SortedMap<NodeId, Siblings> replies = replies(Y, X, Y);
        Siblings merged = ReadRepairPlanner.merge(replies, NO_PRUNING);
        long stamped = 1_000;

        assertEquals(List.of(), ReadRepairPlanner.plan(replies, merged, stamped + 10), "a write still on its way");
        assertEquals(List.of(), ReadRepairPlanner.plan(replies, merged, stamped + ReadRepairPlanner.IN_FLIGHT_GRACE_MILLIS));
        assertEquals(List.of(new Repair(B, merged)),
                ReadRepairPlanner.plan(replies, merged, stamped + ReadRepairPlanner.IN_FLIGHT_GRACE_MILLIS + 1), "past the grace");
        assertEquals(List.of(new Repair(B, merged)),
                ReadRepairPlanner.plan(replies, merged, stamped - ReadRepairPlanner.IN_FLIGHT_GRACE_MILLIS - 1),
                "a version stamped far ahead of this clock is not held back");
        assertEquals(List.of(new Repair(B, merged)), ReadRepairPlanner.plan(replies, merged, Outbox.WALL_UNKNOWN),
                "no wall clock yet: repaired as ever");
    }

    @Test
    void aReplicaLackingARecentAndAnOldVersionIsRepaired() {
        // z (stamped 1,000 by c) and y (1,000): at 2,500 neither is old; at 3,001 both are.
        SortedMap<NodeId, Siblings> replies = replies(YZ, Siblings.EMPTY, YZ);
        Siblings merged = ReadRepairPlanner.merge(replies, NO_PRUNING);
        assertEquals(List.of(), ReadRepairPlanner.plan(replies, merged, 2_500));
        assertEquals(List.of(new Repair(B, merged)), ReadRepairPlanner.plan(replies, merged, 3_001));
    }

    @Test
    void equalRepliesNeedNoRepair() {
        assertEquals(List.of(), plan(replies(YZ, YZ, YZ)));
    }

    @Test
    void everyReplicaBehindTheMergeGetsTheWholeMergedState() {
        assertEquals(List.of(new Repair(A, YZ), new Repair(C, YZ)), plan(replies(X, YZ, Y)));
    }

    @Test
    void aReplicaWithoutTheKeyGetsTheMergedState() {
        assertEquals(List.of(new Repair(B, Y)), plan(replies(Y, Siblings.EMPTY, Y)));
    }

    @Test
    void replicasThatAllLackTheKeyNeedNoRepair() {
        assertEquals(List.of(), plan(replies(Siblings.EMPTY, Siblings.EMPTY, Siblings.EMPTY)));
    }

    @Test
    void aTombstoneIsRepairedLikeAValue() {
        Siblings merged = DELETED_Y.merge(Z, NO_PRUNING);

        assertEquals(List.of(new Repair(B, merged), new Repair(C, merged)), plan(replies(merged, Y, Z)));
        assertEquals(List.of("z"), values(merged));
    }

    @Test
    void planFollowsTheIterationOrderOfTheReplies() {
        Map<NodeId, Siblings> reversed = new LinkedHashMap<>();
        reversed.put(C, X);
        reversed.put(B, YZ);
        reversed.put(A, Y);

        assertEquals(List.of(new Repair(C, YZ), new Repair(A, YZ)), plan(reversed));
    }

    @Test
    void randomRepliesConvergeAfterTheirRepairsWhateverTheirOrder() {
        Seeds.forEach(0x7E9A_1001L, 300, (seed, random) -> {
            List<Siblings> states = VersionFixtures.randomReplicas(random, 3, 1 + random.nextInt(25));
            SortedMap<NodeId, Siblings> sorted = replies(states.get(0), states.get(1), states.get(2));
            List<NodeId> shuffled = new ArrayList<>(sorted.keySet());
            VersionFixtures.shuffle(random, shuffled);
            Map<NodeId, Siblings> inShuffledOrder = new LinkedHashMap<>();
            shuffled.forEach(node -> inShuffledOrder.put(node, sorted.get(node)));

            Siblings merged = ReadRepairPlanner.merge(sorted, NO_PRUNING);
            assertEquals(merged, ReadRepairPlanner.merge(inShuffledOrder, NO_PRUNING), "merge depends on order");
            Map<NodeId, Siblings> repaired = new TreeMap<>(sorted);
            for (Repair repair : ReadRepairPlanner.plan(sorted, merged)) {
                assertTrue(!sorted.get(repair.to()).equals(merged), "repair to an up-to-date replica " + repair.to());
                assertEquals(merged, repair.state());
                repaired.put(repair.to(), repaired.get(repair.to()).merge(repair.state(), NO_PRUNING));
            }
            repaired.forEach((node, state) -> assertEquals(merged, state, node + " not converged"));
        });
    }
}
