package io.kvorum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The client's hash and preference lists against the ring module's, on seeded random keys and rings. */
class TokenRingTest {
    private static final long SEED = 20261206L;

    @Test
    void tokensEqualTheNodesPartitionerForAsciiAndNonAsciiKeys() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 5_000; i++) {
            String key = randomKey(random);
            assertEquals(Murmur3Partitioner.INSTANCE.token(Key.of(key)), TokenRing.token(key),
                    () -> "key '" + key + "' (seed " + SEED + ")");
        }
    }

    @Test
    void preferenceListsEqualTheRingsForRingsOfOneToTwelveNodes() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int size = 1; size <= 12; size++) {
            List<NodeId> nodes = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                nodes.add(NodeId.of("node-" + i));
            }
            int vnodes = 1 + random.nextInt(64);
            Ring ring = Ring.allocate(nodes, vnodes);
            for (int n = 1; n <= 5; n++) {
                TokenRing client = TokenRing.of(tokensOf(ring), n);
                for (int k = 0; k < 300; k++) {
                    String key = randomKey(random);
                    List<String> expected = ring.preferenceList(Murmur3Partitioner.INSTANCE.token(Key.of(key)), n)
                            .stream().map(NodeId::value).toList();
                    int ringSize = size;
                    int replicas = n;
                    assertEquals(expected, client.preferenceList(key),
                            () -> "key '" + key + "', " + ringSize + " nodes, n=" + replicas + " (seed " + SEED + ")");
                }
            }
        }
    }

    @Test
    void aTokenOwnedTwiceIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TokenRing.of(Map.of("a", List.of(1L, 2L), "b", List.of(2L)), 3));
    }

    private static Map<String, List<Long>> tokensOf(Ring ring) {
        Map<String, List<Long>> tokens = new LinkedHashMap<>();
        for (NodeId node : ring.nodes()) {
            tokens.put(node.value(), ring.tokensOf(node));
        }
        return tokens;
    }

    /** 1..40 characters: ASCII, Latin-1, CJK and astral code points, so every tail length and high byte occurs. */
    private static String randomKey(SplittableRandom random) {
        StringBuilder key = new StringBuilder();
        int length = 1 + random.nextInt(40);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            int codePoint = kind < 6 ? 0x21 + random.nextInt(0x5e)
                    : kind < 8 ? 0xa0 + random.nextInt(0x160)
                    : kind < 9 ? 0x4e00 + random.nextInt(0x5000)
                    : 0x1f300 + random.nextInt(0x300);
            key.appendCodePoint(codePoint);
        }
        return key.toString();
    }
}
