package io.kvorum.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a join moves: about 1/(n+1) of the keys, all of them to the new node (Dynamo §4.9). */
class MovementTest {
    private static final int VNODES = 128;
    private static final int KEYS = 100_000;
    private static final int N = 3;

    @ParameterizedTest(name = "{0} nodes + 1")
    @ValueSource(ints = {3, 10, 50})
    void joinMovesAFairShareOfKeysAndOnlyToTheNewNode(int nodeCount) {
        long seed = 0x5eed_0200L + nodeCount;
        Ring before = Ring.allocate(RingTest.nodes(nodeCount), VNODES);
        NodeId joining = NodeId.of("node-" + (nodeCount + 1));
        Ring after = before.withNode(joining, TokenAllocator.defaults().allocate(before, joining, VNODES));

        int primaryMoved = 0;
        int listsChanged = 0;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < KEYS; i++) {
            long token = Murmur3Partitioner.INSTANCE.token(randomKey(random));
            NodeId ownerBefore = before.preferenceList(token, 1).get(0);
            NodeId ownerAfter = after.preferenceList(token, 1).get(0);
            if (!ownerBefore.equals(ownerAfter)) {
                primaryMoved++;
                assertEquals(joining, ownerAfter, "seed " + seed + ": key moved between two old nodes");
            }
            List<NodeId> listBefore = before.preferenceList(token, N);
            List<NodeId> listAfter = after.preferenceList(token, N);
            if (!listBefore.equals(listAfter)) {
                listsChanged++;
                assertTrue(listAfter.contains(joining), "seed " + seed + ": " + listBefore + " -> " + listAfter);
                List<NodeId> oldNodesAfter = new ArrayList<>(listAfter);
                oldNodesAfter.remove(joining);
                assertEquals(listBefore.subList(0, oldNodesAfter.size()), oldNodesAfter,
                        "seed " + seed + ": the old replicas keep their order; only the last one drops out");
            }
        }
        double expected = 1.0 / (nodeCount + 1);
        double moved = (double) primaryMoved / KEYS;
        double exactShare = after.primaryShares().get(joining);
        // Two error sources, bounded separately: sampling (binomial, 5 sigma) and the allocator (its share
        // of the ring is within 2% of 1/(n+1); the spread test shows 0.5% at worst).
        double fiveSigma = 5 * Math.sqrt(exactShare * (1 - exactShare) / KEYS);
        System.out.printf("join %d->%d: %.4f of keys changed primary (ideal %.4f, new node owns %.4f); "
                + "%.4f of N=3 preference lists changed (new node's N=3 replica share %.4f)%n",
                nodeCount, nodeCount + 1, moved, expected, exactShare, (double) listsChanged / KEYS,
                after.replicaShares(N).get(joining));
        assertEquals(exactShare, moved, fiveSigma, "seed " + seed + ": sampled vs exact share of the new node");
        assertEquals(expected, exactShare, 0.02 * expected, "seed " + seed + ": new node's share vs 1/(n+1)");
        RingDiff diff = RingDiff.between(before, after, N);
        for (RingDiff.RangeChange change : diff.changes()) {
            assertEquals(List.of(joining), change.gained(), "only the new node gains ranges: " + change);
            assertEquals(1, change.lost().size(), "each changed range loses one old replica: " + change);
        }
        assertEquals(after.replicaShares(N).get(joining), diff.changedFraction(), 1e-9);
    }

    @ParameterizedTest(name = "{0} nodes - 1")
    @ValueSource(ints = {4, 11})
    void leaveMovesOnlyTheLeavingNodesKeys(int nodeCount) {
        long seed = 0x5eed_0300L + nodeCount;
        Ring before = Ring.allocate(RingTest.nodes(nodeCount), VNODES);
        NodeId leaving = NodeId.of("node-2");
        Ring after = before.withoutNode(leaving);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < KEYS / 10; i++) {
            long token = Murmur3Partitioner.INSTANCE.token(randomKey(random));
            NodeId ownerBefore = before.preferenceList(token, 1).get(0);
            if (!ownerBefore.equals(after.preferenceList(token, 1).get(0))) {
                assertEquals(leaving, ownerBefore, "seed " + seed);
            }
        }
        for (RingDiff.RangeChange change : RingDiff.between(before, after, N).changes()) {
            assertEquals(List.of(leaving), change.lost(), "seed " + seed + ": " + change);
        }
    }

    /** A random printable key of 1 to 40 characters. */
    static Key randomKey(SplittableRandom random) {
        int length = 1 + random.nextInt(40);
        StringBuilder key = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            key.append((char) (' ' + 1 + random.nextInt(94)));
        }
        return Key.of(key.toString());
    }
}
