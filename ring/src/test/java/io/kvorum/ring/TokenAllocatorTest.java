package io.kvorum.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TokenAllocatorTest {
    private static final int VNODES = 128;
    private static final int[] CLUSTER_SIZES = {3, 5, 10, 50, 100};
    private static final double MAX_OVER_MEAN_LIMIT = 1.10;
    /** Replica load is balanced on a best-effort basis; this only catches a regression to random-like spread. */
    private static final double REPLICA_MAX_OVER_MEAN_BOUND = 1.15;
    private static final long PINNED_CHECKSUM = -318855887755231744L;

    @Test
    void evenSpreadForNodesJoiningInOrder() {
        List<Spread> rows = spreads(RingTest.nodes(100), TokenAllocator.defaults());
        printTable("node-1..node-k joined in order, V=" + VNODES, rows);
        for (Spread row : rows) {
            assertTrue(row.primaryMaxOverMean() <= MAX_OVER_MEAN_LIMIT, "primary max/mean at " + row);
            assertTrue(row.replicaMaxOverMean() <= REPLICA_MAX_OVER_MEAN_BOUND, "replica max/mean at " + row);
        }
    }

    @Test
    void evenSpreadForRandomNodeNames() {
        for (long seed : new long[] {0x5eed_0101L, 0x5eed_0102L, 0x5eed_0103L}) {
            List<Spread> rows = spreads(randomNames(new SplittableRandom(seed), 100), TokenAllocator.defaults());
            printTable(String.format("random node names, seed 0x%x, V=%d", seed, VNODES), rows);
            for (Spread row : rows) {
                assertTrue(row.primaryMaxOverMean() <= MAX_OVER_MEAN_LIMIT, "seed 0x" + Long.toHexString(seed) + ": " + row);
                assertTrue(row.replicaMaxOverMean() <= REPLICA_MAX_OVER_MEAN_BOUND, "seed 0x" + Long.toHexString(seed) + ": " + row);
            }
        }
    }

    @Test
    void randomTokensCannotReachTheTarget() {
        long seed = 0x5eed_0104L;
        SplittableRandom random = new SplittableRandom(seed);
        List<Spread> rows = new ArrayList<>();
        for (int size : CLUSTER_SIZES) {
            RingBuilder builder = new RingBuilder(VNODES);
            TreeSet<Long> used = new TreeSet<>();
            for (NodeId node : RingTest.nodes(size)) {
                List<Long> tokens = new ArrayList<>();
                while (tokens.size() < VNODES) {
                    long token = random.nextLong();
                    if (used.add(token)) {
                        tokens.add(token);
                    }
                }
                builder.addNode(node, tokens);
            }
            rows.add(Spread.of(builder.build()));
        }
        printTable(String.format("baseline: random tokens (Dynamo strategy 1), seed 0x%x, V=%d", seed, VNODES), rows);
        assertTrue(rows.get(rows.size() - 1).primaryMaxOverMean() > MAX_OVER_MEAN_LIMIT,
                "seed 0x" + Long.toHexString(seed) + ": random tokens at 100 nodes: " + rows.get(rows.size() - 1));
    }

    @Test
    void allocationIsDeterministic() {
        List<NodeId> joinOrder = RingTest.nodes(20);
        Ring first = Ring.allocate(joinOrder, VNODES);
        Ring second = Ring.allocate(joinOrder, VNODES, new TokenAllocator(Murmur3Partitioner.INSTANCE));
        assertEquals(first, second);
        Map<NodeId, List<Long>> tokens = new TreeMap<>();
        for (NodeId node : first.nodes()) {
            tokens.put(node, first.tokensOf(node));
        }
        assertEquals(first, Ring.fromTokens(tokens, VNODES));
        assertEquals(TokenAllocator.defaults().allocate(first, NodeId.of("node-21"), VNODES),
                TokenAllocator.defaults().allocate(Ring.fromTokens(tokens, VNODES), NodeId.of("node-21"), VNODES));
        // Pinned, so that a change of algorithm or JVM that moves tokens cannot pass unnoticed. Changing
        // the allocator on purpose changes this value; existing clusters keep their tokens either way.
        long checksum = 0;
        for (long token : Ring.allocate(RingTest.nodes(5), 8).tokens()) {
            checksum = checksum * 31 + token;
        }
        assertEquals(PINNED_CHECKSUM, checksum);
    }

    @Test
    void joinPlacesExactlyVnodesNewTokensAndMovesNoOldOne() {
        for (int vnodes : new int[] {1, 2, 3, 8, 32}) {
            Ring ring = Ring.empty(vnodes);
            for (NodeId node : RingTest.nodes(12)) {
                List<Long> tokens = TokenAllocator.defaults().allocate(ring, node, vnodes);
                assertEquals(vnodes, tokens.size(), "V=" + vnodes + " " + node);
                assertEquals(vnodes, new TreeSet<>(tokens).size(), "V=" + vnodes + " " + node + " distinct");
                for (long token : tokens) {
                    assertFalse(ring.tokens().contains(token), "V=" + vnodes + " " + node + " reuses " + token);
                }
                Ring next = ring.withNode(node, tokens);
                for (NodeId old : ring.nodes()) {
                    assertEquals(ring.tokensOf(old), next.tokensOf(old), "V=" + vnodes + " " + old + " kept its tokens");
                }
                ring = next;
            }
        }
    }

    @Test
    void smallerVnodeCountsStillSpreadReasonably() {
        // Not a requirement, a guard: with fewer vnodes there is less room, but the allocator must not fall apart.
        for (int vnodes : new int[] {8, 16, 32}) {
            Ring ring = Ring.allocate(RingTest.nodes(20), vnodes);
            Spread spread = Spread.of(ring);
            System.out.printf("V=%d, 20 nodes: primary max/mean %.3f, replica max/mean %.3f%n",
                    vnodes, spread.primaryMaxOverMean(), spread.replicaMaxOverMean());
            assertTrue(spread.primaryMaxOverMean() <= 1.25, "V=" + vnodes + ": " + spread);
        }
    }

    @Test
    void firstTokenComesFromTheInjectedPartitioner() {
        Partitioner fake = key -> key.text().equals("a") ? 42L : -42L;
        TokenAllocator allocator = new TokenAllocator(fake, 1);
        Ring ring = Ring.allocate(List.of(NodeId.of("a"), NodeId.of("b")), 4, allocator);
        assertTrue(ring.tokensOf(NodeId.of("a")).contains(42L), ring.tokensOf(NodeId.of("a")).toString());
        assertEquals(0.5, ring.primaryShares().get(NodeId.of("a")), 0.01);
        assertTrue(Ring.allocate(List.of(NodeId.of("b")), 4, allocator).tokensOf(NodeId.of("b")).contains(-42L));
    }

    @Test
    void rejectsBadRequests() {
        Ring ring = Ring.allocate(RingTest.nodes(2), 4);
        TokenAllocator allocator = TokenAllocator.defaults();
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(ring, NodeId.of("node-1"), 4));
        assertThrows(IllegalArgumentException.class, () -> allocator.allocate(ring, NodeId.of("node-3"), 5));
        assertThrows(IllegalArgumentException.class, () -> new TokenAllocator(Murmur3Partitioner.INSTANCE, 0));
    }

    /** Primary and N=3 replica spread of each ring size, joining {@code joinOrder} in order. */
    private static List<Spread> spreads(List<NodeId> joinOrder, TokenAllocator allocator) {
        List<Spread> rows = new ArrayList<>();
        Ring ring = Ring.empty(VNODES);
        int next = 0;
        for (int size : CLUSTER_SIZES) {
            for (; ring.nodeCount() < size; next++) {
                ring = ring.withNode(joinOrder.get(next), allocator.allocate(ring, joinOrder.get(next), VNODES));
            }
            rows.add(Spread.of(ring));
        }
        return rows;
    }

    static List<NodeId> randomNames(SplittableRandom random, int count) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
        TreeSet<String> seen = new TreeSet<>();
        List<NodeId> names = new ArrayList<>();
        while (names.size() < count) {
            StringBuilder name = new StringBuilder().append((char) ('a' + random.nextInt(26)));
            int length = 3 + random.nextInt(12);
            while (name.length() < length) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (seen.add(name.toString())) {
                names.add(NodeId.of(name.toString()));
            }
        }
        return names;
    }

    private static void printTable(String title, List<Spread> rows) {
        StringBuilder table = new StringBuilder("\n").append(title).append('\n')
                .append("nodes | primary max/mean | primary min/mean | N=3 replica max/mean | N=3 replica min/mean\n");
        for (Spread row : rows) {
            table.append(String.format("%5d | %16.4f | %16.4f | %20.4f | %20.4f%n", row.nodes(),
                    row.primaryMaxOverMean(), row.primaryMinOverMean(), row.replicaMaxOverMean(), row.replicaMinOverMean()));
        }
        System.out.print(table);
    }

    /** How far the most and least loaded nodes are from the mean, for primary ownership and N=3 replica load. */
    record Spread(int nodes, double primaryMaxOverMean, double primaryMinOverMean,
            double replicaMaxOverMean, double replicaMinOverMean) {
        static Spread of(Ring ring) {
            Collection<Double> primary = ring.primaryShares().values();
            Collection<Double> replica = ring.replicaShares(3).values();
            double primaryMean = 1.0 / ring.nodeCount();
            double replicaMean = Math.min(3, ring.nodeCount()) / (double) ring.nodeCount();
            return new Spread(ring.nodeCount(),
                    max(primary) / primaryMean, min(primary) / primaryMean,
                    max(replica) / replicaMean, min(replica) / replicaMean);
        }

        private static double max(Collection<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        private static double min(Collection<Double> values) {
            return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }
    }
}
