package io.kvorum.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RingDiffTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId D = NodeId.of("d");

    private static Ring ring(Map<NodeId, List<Long>> tokens) {
        return Ring.fromTokens(new TreeMap<>(tokens), 1);
    }

    @Test
    void joinHandsTheNewNodeTheRangesItNowReplicates() {
        Ring before = ring(Map.of(A, List.of(100L), B, List.of(200L), C, List.of(300L)));
        Ring after = before.withNode(D, List.of(150L));
        RingDiff primary = RingDiff.between(before, after, 1);
        assertEquals(List.of(new RingDiff.RangeChange(new TokenRange(100, 150), List.of(B), List.of(D))), primary.changes());
        assertEquals(List.of(B), primary.changes().get(0).lost());
        assertEquals(List.of(D), primary.changes().get(0).gained());

        RingDiff twoReplicas = RingDiff.between(before, after, 2);
        // (300, 100]: a,b -> a,d.  (100, 150]: b,c -> d,b.  (150, 200] keeps b,c.
        assertEquals(List.of(
                new RingDiff.RangeChange(new TokenRange(300, 100), List.of(A, B), List.of(A, D)),
                new RingDiff.RangeChange(new TokenRange(100, 150), List.of(B, C), List.of(D, B))), twoReplicas.changes());
        assertEquals(twoReplicas.changes(), twoReplicas.gainedBy(D));
        assertEquals(List.of(twoReplicas.changes().get(0)), twoReplicas.lostBy(B));
        assertEquals(List.of(twoReplicas.changes().get(1)), twoReplicas.lostBy(C));
    }

    @Test
    void neighboursWithTheSameChangeMergeAcrossTheWrap() {
        Map<NodeId, List<Long>> tokens = new TreeMap<>();
        tokens.put(A, List.of(10L, 300L));
        tokens.put(B, List.of(100L, 200L));
        Ring before = Ring.fromTokens(tokens, 2);
        Ring after = before.withoutNode(A).withNode(C, List.of(10L, 300L));
        // (200, 300] and (300, 10] both go from a to c: one change that wraps past the largest token.
        RingDiff diff = RingDiff.between(before, after, 1);
        assertEquals(List.of(new RingDiff.RangeChange(new TokenRange(200, 10), List.of(A), List.of(C))), diff.changes());
        Ring renamedB = before.withoutNode(B).withNode(D, List.of(100L, 200L));
        assertEquals(List.of(new RingDiff.RangeChange(new TokenRange(10, 200), List.of(B), List.of(D))),
                RingDiff.between(before, renamedB, 1).changes());
    }

    @Test
    void sameRingHasNoChanges() {
        Ring ring = Ring.allocate(RingTest.nodes(5), 16);
        assertTrue(RingDiff.between(ring, ring, 3).isEmpty());
        assertEquals(0.0, RingDiff.between(ring, ring, 3).changedFraction());
    }

    @Test
    void firstNodeGainsTheWholeRing() {
        Ring after = ring(Map.of(A, List.of(100L)));
        RingDiff diff = RingDiff.between(Ring.empty(1), after, 3);
        assertEquals(1, diff.changes().size());
        assertTrue(diff.changes().get(0).range().isFullRing());
        assertEquals(List.of(A), diff.changes().get(0).gained());
        assertEquals(1.0, diff.changedFraction());
    }

    @Test
    void rangesMergeOnlyWhenTheirReplicaListsMatch() {
        Ring before = ring(Map.of(A, List.of(100L), B, List.of(200L)));
        Ring after = ring(Map.of(A, List.of(100L), C, List.of(200L)));
        RingDiff diff = RingDiff.between(before, after, 1);
        assertEquals(List.of(new RingDiff.RangeChange(new TokenRange(100, 200), List.of(B), List.of(C))), diff.changes());
        // With N = 2 both ranges change (b -> c) but keep different preference orders, so they stay apart.
        RingDiff both = RingDiff.between(before, after, 2);
        assertEquals(List.of(
                new RingDiff.RangeChange(new TokenRange(200, 100), List.of(A, B), List.of(A, C)),
                new RingDiff.RangeChange(new TokenRange(100, 200), List.of(B, A), List.of(C, A))), both.changes());
        assertEquals(1.0, both.changedFraction(), 1e-12);
    }
}
