package io.kvorum.node.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.NodeId;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.ring.TokenAllocator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Regression (review of issue 4): two nodes joining at the same moment allocate the same tokens from
 * the same ring; building the ring from such gossip threw on every node, forever. The first claimant
 * in id order now keeps the tokens and the ring still builds.
 */
class GossipMembershipTokensTest {
    @Test
    void membersClaimingTheSameTokensDoNotBreakTheRing() {
        Ring ring = Ring.allocate(List.of(NodeId.of("node-1"), NodeId.of("node-2"), NodeId.of("node-3")), 16);
        TokenAllocator allocator = new TokenAllocator(Murmur3Partitioner.INSTANCE, 3);
        List<Long> four = allocator.allocate(ring, NodeId.of("node-4"), 16);
        List<Long> five = allocator.allocate(ring, NodeId.of("node-5"), 16);
        assertEquals(four, five, "precondition: simultaneous joiners take the same tokens");

        SortedMap<NodeId, List<Long>> gossiped = new TreeMap<>();
        ring.nodes().forEach(id -> gossiped.put(id, ring.tokensOf(id)));
        gossiped.put(NodeId.of("node-4"), four);
        gossiped.put(NodeId.of("node-5"), five);

        SortedMap<NodeId, List<Long>> kept = GossipMembership.withoutClaimedTwice(gossiped);
        Ring rebuilt = Ring.fromTokens(kept, 16);
        assertEquals(List.of("node-1", "node-2", "node-3", "node-4"), rebuilt.nodes().stream().map(NodeId::value).toList());
    }
}
