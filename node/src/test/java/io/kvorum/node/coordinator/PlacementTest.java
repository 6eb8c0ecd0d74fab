package io.kvorum.node.coordinator;

import static io.kvorum.node.coordinator.ReplicaStates.A;
import static io.kvorum.node.coordinator.ReplicaStates.ALL_HEALTHY;
import static io.kvorum.node.coordinator.ReplicaStates.B;
import static io.kvorum.node.coordinator.ReplicaStates.C;
import static io.kvorum.node.coordinator.ReplicaStates.STRANGER;
import static io.kvorum.node.coordinator.ReplicaStates.primary;
import static io.kvorum.node.coordinator.ReplicaStates.standIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.VersionFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * {@link Placement}: the preferred replicas, stand-ins for the unhealthy ones in walk order, and
 * {@link Placement#replace} on failure; strict placements ignore health and never stand anyone in.
 */
class PlacementTest {
    private static final NodeId D = NodeId.of("node-d");
    private static final NodeId E = NodeId.of("node-e");
    private static final NodeId F = NodeId.of("node-f");
    /** A ring walk from some key's token: a, b, c preferred (N=3), then d, e, f. */
    private static final List<NodeId> WALK = List.of(A, B, C, D, E, F);

    private static Predicate<NodeId> downAre(NodeId... down) {
        Set<NodeId> set = Set.of(down);
        return node -> !set.contains(node);
    }

    // ---- the initial targets ----

    @Test
    void allHealthyTargetsThePreferredReplicasOnly() {
        Placement placement = new Placement(WALK, 3, true, ALL_HEALTHY);

        assertEquals(List.of(A, B, C), placement.preferred());
        assertEquals(List.of(primary(A), primary(B), primary(C)), placement.targets());
        assertTrue(placement.targets().stream().noneMatch(Target::isStandIn));
    }

    @Test
    void onePreferredReplicaDownGetsTheFirstHealthyNodeAfterThePreferenceList() {
        Placement placement = new Placement(WALK, 3, true, downAre(B));

        assertEquals(List.of(primary(A), primary(C), standIn(D, B)), placement.targets(),
                "the healthy replicas first, then the stand-in, which names the owner it holds a hint for");
        assertEquals(List.of(A, B, C), placement.preferred(), "the preference list does not change with health");
        Target standIn = placement.target(D).orElseThrow();
        assertTrue(standIn.isStandIn());
        assertEquals(B, standIn.owner());
        assertEquals(C, placement.target(C).orElseThrow().owner(), "a preferred replica owns its own copy");
    }

    @Test
    void twoPreferredReplicasDownGetStandInsInWalkOrder() {
        Placement placement = new Placement(WALK, 3, true, downAre(A, C));

        assertEquals(List.of(primary(B), standIn(D, A), standIn(E, C)), placement.targets(),
                "the first down replica of the walk gets the first stand-in");
    }

    @Test
    void unhealthyNodesBeyondThePreferenceListAreSkipped() {
        Placement placement = new Placement(WALK, 3, true, downAre(B, C, D));

        assertEquals(List.of(primary(A), standIn(E, B), standIn(F, C)), placement.targets());
    }

    @Test
    void noNodeLeftMeansFewerTargets() {
        assertEquals(List.of(primary(A), standIn(D, B)), new Placement(List.of(A, B, C, D), 3, true, downAre(B, C)).targets(),
                "d stands in for b; nobody is left for c");
        assertEquals(List.of(primary(A)), new Placement(List.of(A, B, C), 3, true, downAre(B, C)).targets());
        assertEquals(List.of(), new Placement(WALK, 3, true, node -> false).targets(), "nobody healthy at all");
    }

    @Test
    void aWalkShorterThanNIsAllPreferred() {
        Placement placement = new Placement(List.of(A, B), 3, true, ALL_HEALTHY);

        assertEquals(List.of(A, B), placement.preferred());
        assertEquals(List.of(primary(A), primary(B)), placement.targets());
    }

    @Test
    void strictIgnoresHealth() {
        Placement placement = new Placement(WALK, 3, false, node -> false);

        assertEquals(List.of(primary(A), primary(B), primary(C)), placement.targets());
        assertEquals(Optional.empty(), placement.replace(B, ALL_HEALTHY), "strict never stands anyone in");
        assertEquals(List.of(primary(A), primary(B), primary(C)), placement.targets());
    }

    // ---- replace ----

    @Test
    void replacePicksTheNextUnusedHealthyNodeForTheFailedReplica() {
        Placement placement = new Placement(WALK, 3, true, ALL_HEALTHY);

        assertEquals(Optional.of(standIn(D, C)), placement.replace(C, ALL_HEALTHY));
        assertEquals(Optional.of(standIn(E, A)), placement.replace(A, ALL_HEALTHY), "d is used already");
        assertEquals(List.of(primary(A), primary(B), primary(C), standIn(D, C), standIn(E, A)), placement.targets(),
                "targets in the order chosen");
    }

    @Test
    void replaceConsultsTheHealthGivenNow() {
        Placement placement = new Placement(WALK, 3, true, ALL_HEALTHY);

        assertEquals(Optional.of(standIn(F, B)), placement.replace(B, downAre(D, E)), "d and e became suspected since");
        assertEquals(Optional.of(standIn(D, C)), placement.replace(C, ALL_HEALTHY), "d was skipped, not used");
    }

    @Test
    void aFailedStandInIsReplacedForTheSameOwner() {
        Placement placement = new Placement(WALK, 3, true, downAre(B));
        assertEquals(Optional.of(standIn(D, B)), placement.target(D));

        assertEquals(Optional.of(standIn(E, B)), placement.replace(D, ALL_HEALTHY), "e holds b's hint, not d's");
        assertEquals(Optional.of(standIn(F, B)), placement.replace(E, ALL_HEALTHY));
    }

    @Test
    void replaceNeverReusesANode() {
        Placement placement = new Placement(WALK, 3, true, ALL_HEALTHY);

        assertEquals(Optional.of(standIn(D, A)), placement.replace(A, ALL_HEALTHY));
        assertEquals(Optional.of(standIn(E, B)), placement.replace(B, ALL_HEALTHY));
        assertEquals(Optional.of(standIn(F, C)), placement.replace(C, ALL_HEALTHY));
        assertEquals(Optional.empty(), placement.replace(D, ALL_HEALTHY), "every node of the walk is used");
        assertEquals(Optional.empty(), placement.replace(A, ALL_HEALTHY), "a preferred replica is never its own stand-in");
    }

    @Test
    void replaceOfANodeThatIsNotATargetDoesNothing() {
        Placement placement = new Placement(WALK, 3, true, ALL_HEALTHY);

        assertEquals(Optional.empty(), placement.replace(STRANGER, ALL_HEALTHY));
        assertEquals(Optional.empty(), placement.replace(D, ALL_HEALTHY), "d is on the walk but not asked");
        assertEquals(3, placement.targets().size());
    }

    @Test
    void targetsIsACopy() {
        Placement placement = new Placement(WALK, 3, true, ALL_HEALTHY);
        List<Target> before = placement.targets();

        placement.replace(A, ALL_HEALTHY);

        assertEquals(3, before.size(), "an earlier list does not grow");
        assertEquals(4, placement.targets().size());
    }

    // ---- seeded properties ----

    /**
     * Random walks, N, health and failures: no node is targeted twice; every stand-in is off the
     * preference list and names a preferred owner; the healthy preferred replicas are targets; each
     * unhealthy one has a stand-in unless none is left; every stand-in was healthy when chosen.
     */
    @Test
    void randomPlacementsKeepTheirInvariants() {
        Seeds.forEach(0x91AC_0001L, 1_000, (seed, random) -> {
            int size = 1 + random.nextInt(8);
            List<NodeId> walk = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                walk.add(NodeId.of("n" + i));
            }
            VersionFixtures.shuffle(random, walk);
            int n = 1 + random.nextInt(4);
            Set<NodeId> down = new TreeSet<>();
            walk.forEach(node -> {
                if (random.nextInt(3) == 0) {
                    down.add(node);
                }
            });
            Placement placement = new Placement(walk, n, true, node -> !down.contains(node));
            List<NodeId> preferred = walk.subList(0, Math.min(n, size));
            assertEquals(preferred, placement.preferred());
            check(placement, preferred, down);
            assertEquals(preferred.stream().filter(node -> !down.contains(node)).toList(),
                    placement.targets().stream().filter(target -> !target.isStandIn()).map(Target::node).toList(),
                    "the healthy preferred replicas, in walk order");
            long healthyOutside = walk.stream().skip(preferred.size()).filter(node -> !down.contains(node)).count();
            long downInside = preferred.stream().filter(down::contains).count();
            assertEquals(Math.min(healthyOutside, downInside), placement.targets().stream().filter(Target::isStandIn).count(),
                    "one stand-in per unhealthy replica while healthy nodes are left");
            for (int i = 0; i < 4 && !placement.targets().isEmpty(); i++) {
                List<Target> targets = placement.targets();
                Target failed = targets.get(random.nextInt(targets.size()));
                if (random.nextBoolean()) {
                    down.add(walk.get(random.nextInt(size)));
                }
                Optional<Target> replaced = placement.replace(failed.node(), node -> !down.contains(node));
                replaced.ifPresent(target -> {
                    assertEquals(failed.owner(), target.owner(), "the stand-in takes the failed target's owner");
                    assertFalse(down.contains(target.node()), "a stand-in is healthy when chosen");
                    assertEquals(target, placement.targets().get(placement.targets().size() - 1), "appended");
                });
                check(placement, preferred, down);
            }
        });
    }

    private static void check(Placement placement, List<NodeId> preferred, Set<NodeId> down) {
        List<NodeId> nodes = placement.targets().stream().map(Target::node).toList();
        assertEquals(nodes.size(), new TreeSet<>(nodes).size(), "no node twice: " + placement.targets());
        for (Target target : placement.targets()) {
            if (target.isStandIn()) {
                assertFalse(preferred.contains(target.node()), target + " is a preferred replica");
                assertTrue(preferred.contains(target.owner()), target + " holds a hint for a node that is not preferred");
            } else {
                assertTrue(preferred.contains(target.node()), target + " is not preferred");
            }
        }
    }
}
