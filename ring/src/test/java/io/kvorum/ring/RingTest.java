package io.kvorum.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    // ---- sharedRanges: what two nodes compare in anti-entropy ----

    @Test
    void threeNodesWithThreeReplicasShareTheWholeRing() {
        Ring ring = Ring.allocate(nodes(3), 16);
        for (NodeId a : ring.nodes()) {
            for (NodeId b : ring.nodes()) {
                if (!a.equals(b)) {
                    assertEquals(List.of(TokenRange.FULL_RING), ring.sharedRanges(a, b, 3), a + " and " + b);
                }
            }
        }
    }

    @Test
    void sharedRangesOfFiveSingleTokenNodesCoalesceAcrossTheWrap() {
        // a..e own 10..50; with N=3 the range ending at each token is replicated by its owner and the next two.
        Map<NodeId, List<Long>> tokens = new TreeMap<>();
        tokens.put(A, List.of(10L));
        tokens.put(B, List.of(20L));
        tokens.put(C, List.of(30L));
        tokens.put(D, List.of(40L));
        NodeId e = NodeId.of("e");
        tokens.put(e, List.of(50L));
        Ring ring = Ring.fromTokens(tokens, 1);

        assertEquals(List.of(new TokenRange(40, 10)), ring.sharedRanges(A, B, 3), "(40,50] and (50,10], joined over the wrap");
        assertEquals(List.of(new TokenRange(50, 10)), ring.sharedRanges(A, C, 3));
        assertEquals(List.of(new TokenRange(30, 40)), ring.sharedRanges(A, D, 3));
        assertEquals(List.of(new TokenRange(30, 50)), ring.sharedRanges(A, e, 3), "(30,40] and (40,50], joined");
        assertEquals(ring.sharedRanges(A, e, 3), ring.sharedRanges(e, A, 3), "symmetric");
        assertEquals(List.of(), ring.sharedRanges(A, C, 2), "with N=2 a and c never replicate the same range");
        assertEquals(List.of(TokenRange.FULL_RING), ring.sharedRanges(A, C, 5));
    }

    @Test
    void aNodeNotInTheRingSharesNothing() {
        Ring ring = Ring.allocate(nodes(5), 8);
        NodeId absent = NodeId.of("absent");

        assertEquals(List.of(), ring.sharedRanges(absent, ring.nodes().get(0), 3));
        assertEquals(List.of(), ring.sharedRanges(ring.nodes().get(0), absent, 3));
        assertEquals(List.of(), Ring.empty(8).sharedRanges(A, B, 3));
    }

    /**
     * Random rings of five or more nodes: the shared ranges hold exactly the tokens whose preference
     * list holds both nodes (every vnode range's end, and many random tokens), and they are disjoint,
     * coalesced (no range starts where another ends), bounded by ring tokens and sorted by end.
     */
    @Test
    void sharedRangesHoldExactlyTheTokensBothNodesReplicate() {
        long seed = 0x5eed_0003L;
        SplittableRandom random = new SplittableRandom(seed);
        int multiRange = 0;
        for (int round = 0; round < 150; round++) {
            int nodeCount = 5 + random.nextInt(6);
            Ring ring = random.nextBoolean()
                    ? randomRing(random, nodeCount, 1 + random.nextInt(8))
                    : Ring.allocate(nodes(nodeCount), 1 + random.nextInt(16));
            NodeId a = ring.nodes().get(random.nextInt(nodeCount));
            NodeId b = ring.nodes().get(random.nextInt(nodeCount));
            if (a.equals(b)) {
                continue;
            }
            int n = 2 + random.nextInt(3);
            String where = "seed " + seed + " round " + round + " " + a + "/" + b + " n " + n + " ring " + ring;
            List<TokenRange> shared = ring.sharedRanges(a, b, n);
            multiRange += shared.size() > 1 ? 1 : 0;
            checkDisjointCoalescedSorted(ring, shared, where);
            List<Long> probes = new ArrayList<>();
            for (long token : ring.tokens()) {
                probes.add(token);
                probes.add(token + 1);
                probes.add(token - 1);
            }
            for (int i = 0; i < 500; i++) {
                probes.add(random.nextLong());
            }
            probes.add(Long.MIN_VALUE);
            probes.add(Long.MAX_VALUE);
            for (long token : probes) {
                List<NodeId> replicas = ring.preferenceList(token, n);
                boolean both = replicas.contains(a) && replicas.contains(b);
                long holding = shared.stream().filter(range -> range.contains(token)).count();
                assertEquals(both ? 1 : 0, holding, where + " token " + token + " replicas " + replicas + " shared " + shared);
            }
        }
        assertTrue(multiRange > 20, "the rounds should include pairs sharing several separate ranges, got " + multiRange);
    }

    private static void checkDisjointCoalescedSorted(Ring ring, List<TokenRange> shared, String where) {
        if (shared.equals(List.of(TokenRange.FULL_RING))) {
            return;
        }
        for (int i = 0; i < shared.size(); i++) {
            TokenRange range = shared.get(i);
            assertFalse(range.isFullRing(), where + ": a full ring next to other ranges");
            assertTrue(ring.tokens().contains(range.startExclusive()) && ring.tokens().contains(range.endInclusive()),
                    where + ": " + range + " is not a union of vnode ranges");
            if (i > 0) {
                assertTrue(shared.get(i - 1).endInclusive() < range.endInclusive(), where + ": not sorted by end: " + shared);
            }
            for (int j = 0; j < shared.size(); j++) {
                TokenRange other = shared.get(j);
                if (i != j) {
                    assertFalse(range.contains(other.endInclusive()), where + ": " + range + " overlaps " + other);
                    assertFalse(range.endInclusive() == other.startExclusive(), where + ": " + range + " and " + other + " are adjacent");
                }
            }
        }
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
