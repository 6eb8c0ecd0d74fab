package io.kvorum.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RingTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId D = NodeId.of("d");

    /** a owns 10 and 40, b owns 20 and 50, c owns 30 and 60. */
    private static Ring abc() {
        Map<NodeId, List<Long>> tokens = new TreeMap<>();
        tokens.put(A, List.of(40L, 10L));
        tokens.put(B, List.of(20L, 50L));
        tokens.put(C, List.of(30L, 60L));
        return Ring.fromTokens(tokens, 2);
    }

    @Test
    void keyBelongsToTheFirstVnodeTokenAtOrAfterIt() {
        Ring ring = abc();
        assertEquals(List.of(A), ring.preferenceList(10, 1), "a token equal to a vnode's belongs to that vnode");
        assertEquals(List.of(B), ring.preferenceList(11, 1));
        assertEquals(List.of(B), ring.preferenceList(20, 1));
        assertEquals(List.of(C), ring.preferenceList(60, 1));
    }

    @Test
    void preferenceListWalksClockwiseAndWraps() {
        Ring ring = abc();
        assertEquals(List.of(B, C, A), ring.preferenceList(15, 3));
        assertEquals(List.of(C, A), ring.preferenceList(55, 2));
        assertEquals(List.of(A, B), ring.preferenceList(61, 2), "past the largest token wraps to the smallest");
        assertEquals(List.of(A, B), ring.preferenceList(Long.MAX_VALUE, 2));
        assertEquals(List.of(A, B), ring.preferenceList(Long.MIN_VALUE, 2));
    }

    @Test
    void preferenceListSkipsVnodesOfNodesAlreadyChosen() {
        Map<NodeId, List<Long>> tokens = new TreeMap<>();
        tokens.put(A, List.of(10L, 20L, 30L));
        tokens.put(B, List.of(40L, 50L, 60L));
        tokens.put(C, List.of(70L, 80L, 90L));
        Ring ring = Ring.fromTokens(tokens, 3);
        assertEquals(List.of(A, B, C), ring.preferenceList(5, 3));
        assertEquals(List.of(B, C, A), ring.preferenceList(31, 3));
        assertEquals(List.of(C, A), ring.preferenceList(85, 2));
    }

    @Test
    void preferenceListIsShorterWhenTheRingHasFewerNodes() {
        Ring ring = abc();
        assertEquals(List.of(B, C, A), ring.preferenceList(15, 5));
        assertEquals(List.of(), ring.preferenceList(15, 0));
        assertEquals(List.of(), Ring.empty(8).preferenceList(15, 3));
        assertEquals(List.of(), Ring.empty(8).walk(15));
        assertThrows(IllegalArgumentException.class, () -> ring.preferenceList(15, -1));
    }

    @Test
    void walkListsEveryNodeOnceStartingWithThePreferenceList() {
        Ring ring = Ring.allocate(nodes(7), 16);
        for (long token : List.of(Long.MIN_VALUE, -1L, 0L, 12345L, Long.MAX_VALUE)) {
            List<NodeId> walk = ring.walk(token);
            assertEquals(7, walk.size());
            assertEquals(7, walk.stream().distinct().count());
            assertEquals(ring.preferenceList(token, 3), walk.subList(0, 3));
        }
    }

    @Test
    void preferenceListMatchesABruteForceWalk() {
        long seed = 0x5eed_0001L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            int nodeCount = 1 + random.nextInt(8);
            int vnodes = 1 + random.nextInt(6);
            Ring ring = randomRing(random, nodeCount, vnodes);
            TreeMap<Long, NodeId> byToken = new TreeMap<>();
            for (NodeId node : ring.nodes()) {
                ring.tokensOf(node).forEach(token -> byToken.put(token, node));
            }
            long token = random.nextInt(4) == 0 ? byToken.firstKey() : random.nextLong();
            int n = random.nextInt(nodeCount + 2);
            assertEquals(bruteForce(byToken, token, n), ring.preferenceList(token, n),
                    "seed " + seed + " round " + round + " token " + token + " n " + n);
        }
    }

    @Test
    void sharesAndRangesAddUp() {
        long seed = 0x5eed_0002L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            Ring ring = randomRing(random, 1 + random.nextInt(6), 1 + random.nextInt(5));
            double primarySum = ring.primaryShares().values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, primarySum, 1e-9, "seed " + seed + " round " + round);
            for (int n = 1; n <= 4; n++) {
                double replicaSum = ring.replicaShares(n).values().stream().mapToDouble(Double::doubleValue).sum();
                assertEquals(Math.min(n, ring.nodeCount()), replicaSum, 1e-9, "seed " + seed + " round " + round + " n " + n);
            }
            for (NodeId node : ring.nodes()) {
                double fromRanges = ring.primaryRanges(node).stream().mapToDouble(TokenRange::ringFraction).sum();
                assertEquals(ring.primaryShares().get(node), fromRanges, 1e-12, "seed " + seed + " round " + round);
                double replicated = ring.replicatedRanges(node, 3).stream().mapToDouble(TokenRange::ringFraction).sum();
                assertEquals(ring.replicaShares(3).get(node), replicated, 1e-12, "seed " + seed + " round " + round);
                for (TokenRange range : ring.replicatedRanges(node, 3)) {
                    assertTrue(ring.preferenceList(range.endInclusive(), 3).contains(node));
                }
            }
        }
    }

    @Test
    void primaryRangesEndAtTheNodesTokens() {
        Ring ring = abc();
        assertEquals(List.of(new TokenRange(60, 10), new TokenRange(30, 40)), ring.primaryRanges(A));
        assertEquals(List.of(new TokenRange(10, 20), new TokenRange(40, 50)), ring.primaryRanges(B));
        assertEquals(List.of(), ring.primaryRanges(D));
        assertEquals(List.of(10L, 40L), ring.tokensOf(A));
        // With N = 2, a replicates its own ranges and the ranges of c that precede them.
        assertEquals(List.of(new TokenRange(60, 10), new TokenRange(20, 30), new TokenRange(30, 40), new TokenRange(50, 60)),
                ring.replicatedRanges(A, 2));
    }

    @Test
    void aSingleTokenOwnsTheWholeRing() {
        Ring ring = Ring.fromTokens(Map.of(A, List.of(7L)), 1);
        assertEquals(List.of(new TokenRange(7, 7)), ring.primaryRanges(A));
        assertTrue(ring.primaryRanges(A).get(0).isFullRing());
        assertEquals(1.0, ring.primaryShares().get(A));
        assertEquals(List.of(A), ring.preferenceList(8, 3));
    }

    @Test
    void equalContentMakesEqualRingsWhateverTheInputOrder() {
        Map<NodeId, List<Long>> forward = new LinkedHashMap<>();
        forward.put(A, List.of(10L, 40L));
        forward.put(B, List.of(20L, 50L));
        forward.put(C, List.of(30L, 60L));
        Map<NodeId, List<Long>> backward = new LinkedHashMap<>();
        backward.put(C, List.of(60L, 30L));
        backward.put(B, List.of(50L, 20L));
        backward.put(A, List.of(40L, 10L));
        assertEquals(Ring.fromTokens(forward, 2), Ring.fromTokens(backward, 2));
        assertEquals(Ring.fromTokens(forward, 2).hashCode(), Ring.fromTokens(backward, 2).hashCode());
        assertEquals(abc(), abc().withNode(D, List.of(5L, 6L)).withoutNode(D));
        assertNotEquals(abc(), abc().withNode(D, List.of(5L, 6L)));
        assertEquals(List.of(A, B, C, D), abc().withNode(D, List.of(5L, 6L)).nodes());
    }

    @Test
    void rejectsBadMembership() {
        Ring ring = abc();
        assertThrows(IllegalArgumentException.class, () -> ring.withNode(A, List.of(1L, 2L)), "node already present");
        assertThrows(IllegalArgumentException.class, () -> ring.withNode(D, List.of(1L)), "wrong token count");
        assertThrows(IllegalArgumentException.class, () -> ring.withNode(D, List.of(1L, 1L)), "token twice");
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class, () -> ring.withNode(D, List.of(1L, 20L)));
        assertTrue(shared.getMessage().contains("[b, d]"), shared.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ring.withoutNode(D), "node absent");
        assertThrows(IllegalArgumentException.class, () -> Ring.empty(0));
    }

    @Test
    void viewsAreUnmodifiable() {
        Ring ring = abc();
        assertThrows(UnsupportedOperationException.class, () -> ring.nodes().add(D));
        assertThrows(UnsupportedOperationException.class, () -> ring.tokensOf(A).add(1L));
        assertThrows(UnsupportedOperationException.class, () -> ring.preferenceList(1, 2).add(D));
        assertThrows(UnsupportedOperationException.class, () -> ring.primaryShares().put(D, 0.0));
    }

    static List<NodeId> nodes(int count) {
        List<NodeId> nodes = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            nodes.add(NodeId.of("node-" + i));
        }
        return nodes;
    }

    private static Ring randomRing(SplittableRandom random, int nodeCount, int vnodes) {
        RingBuilder builder = new RingBuilder(vnodes);
        TreeSet<Long> used = new TreeSet<>();
        for (int n = 0; n < nodeCount; n++) {
            List<Long> tokens = new ArrayList<>();
            while (tokens.size() < vnodes) {
                long token = random.nextInt(3) == 0 ? random.nextInt(64) : random.nextLong();
                if (used.add(token)) {
                    tokens.add(token);
                }
            }
            builder.addNode(NodeId.of("n" + n), tokens);
        }
        return builder.build();
    }

    private static List<NodeId> bruteForce(TreeMap<Long, NodeId> byToken, long token, int n) {
        List<NodeId> result = new ArrayList<>();
        List<Map.Entry<Long, NodeId>> clockwise = new ArrayList<>(byToken.tailMap(token, true).entrySet());
        clockwise.addAll(byToken.headMap(token, false).entrySet());
        for (Map.Entry<Long, NodeId> entry : clockwise) {
            if (result.size() < n && !result.contains(entry.getValue())) {
                result.add(entry.getValue());
            }
        }
        return result;
    }
}
