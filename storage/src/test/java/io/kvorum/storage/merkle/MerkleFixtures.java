package io.kvorum.storage.merkle;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionFixtures;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/** Random ranges, tokens and key states for Merkle tests; tokens are assigned per key, so tests can aim at boundaries. */
final class MerkleFixtures {
    private MerkleFixtures() {}

    /** A range of a random kind: full ring, plain, wrapping, tiny, or touching {@code Long.MIN_VALUE}/{@code MAX_VALUE}. */
    static TokenRange randomRange(RandomGenerator random) {
        long a = random.nextLong();
        long b = random.nextLong();
        return switch (random.nextInt(9)) {
            case 0 -> new TokenRange(a, a);
            case 1 -> TokenRange.FULL_RING;
            case 2 -> new TokenRange(Long.MAX_VALUE, Long.MAX_VALUE);
            case 3 -> new TokenRange(Math.min(a, b), Math.max(a, b) == Math.min(a, b) ? a + 1 : Math.max(a, b));
            case 4 -> new TokenRange(Math.max(a, b), Math.min(a, b) == Math.max(a, b) ? a - 1 : Math.min(a, b));
            case 5 -> new TokenRange(a, a + 1 + random.nextInt(2000));
            case 6 -> new TokenRange(Long.MAX_VALUE - random.nextInt(5000), Long.MIN_VALUE + random.nextInt(5000));
            case 7 -> new TokenRange(a, random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
            default -> new TokenRange(random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE, b);
        };
    }

    /** A token in {@code range}, often one at an edge of the range, of a leaf of {@code tree}, or of the signed ring. */
    static long tokenIn(RandomGenerator random, TokenRange range, MerkleTree tree) {
        long start = range.startExclusive();
        long candidate = switch (random.nextInt(8)) {
            case 0 -> range.endInclusive();
            case 1 -> start + 1;
            case 2 -> Long.MIN_VALUE;
            case 3 -> Long.MAX_VALUE;
            case 4 -> tree.leafRange(random.nextInt(tree.leafCount())).endInclusive();
            case 5 -> tree.leafRange(random.nextInt(tree.leafCount())).startExclusive() + 1;
            default -> start + 1 + below(random, range);
        };
        return range.contains(candidate) ? candidate : start + 1 + below(random, range);
    }

    /** A uniform-enough offset in {@code [0, width)}. */
    static long below(RandomGenerator random, TokenRange range) {
        long width = range.endInclusive() - range.startExclusive();
        return width == 0 ? random.nextLong() : Long.remainderUnsigned(random.nextLong(), width);
    }

    /** A random key state that is never {@link Siblings#EMPTY}: values, tombstones, concurrent siblings. */
    static Siblings randomState(RandomGenerator random) {
        while (true) {
            List<Siblings> replicas = VersionFixtures.randomReplicas(random, 2, 1 + random.nextInt(6));
            if (!replicas.get(0).equals(Siblings.EMPTY)) {
                return replicas.get(0);
            }
        }
    }

    /** Keys with assigned tokens: the tokenizer the index and the engine would share. */
    static final class Tokens {
        private final Map<Key, Long> tokens = new TreeMap<>();
        private int next;

        Key newKey(long token) {
            Key key = Key.of("k" + next++);
            tokens.put(key, token);
            return key;
        }

        long tokenOf(Key key) {
            Long token = tokens.get(key);
            if (token == null) {
                throw new IllegalArgumentException("no token for " + key);
            }
            return token;
        }
    }

    /** A tree of {@code state}'s entries in {@code range}, added in the order of {@code keys}. */
    static MerkleTree treeOf(TokenRange range, int depth, Tokens tokens, List<Key> keys, Map<Key, Siblings> state) {
        MerkleTree.Builder builder = MerkleTree.builder(range, depth);
        for (Key key : keys) {
            Siblings s = state.get(key);
            if (s != null && range.contains(tokens.tokenOf(key))) {
                builder.add(tokens.tokenOf(key), key, s);
            }
        }
        return builder.build();
    }
}
