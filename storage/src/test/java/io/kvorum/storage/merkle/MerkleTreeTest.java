package io.kvorum.storage.merkle;

import static io.kvorum.storage.merkle.MerkleFixtures.randomRange;
import static io.kvorum.storage.merkle.MerkleFixtures.randomState;
import static io.kvorum.storage.merkle.MerkleFixtures.tokenIn;
import static io.kvorum.storage.merkle.MerkleFixtures.treeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.merkle.MerkleFixtures.Tokens;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link MerkleTree}: leaf layout, order independence, and {@code difference} finding exactly the changed leaves. */
class MerkleTreeTest {
    private static final long BASE_SEED = 0x3E4C_1E00L;

    @Test
    void leavesPartitionTheRangeIntoNearlyEqualNonEmptyParts() {
        System.out.println("MerkleTreeTest base seed " + Long.getLong(Seeds.PROPERTY, BASE_SEED + 1));
        Seeds.forEach(BASE_SEED + 1, 400, (seed, random) -> {
            TokenRange range = randomRange(random);
            MerkleTree tree = MerkleTree.builder(range, random.nextInt(MerkleTree.MAX_DEPTH + 1)).build();
            assertEquals(range.startExclusive(), tree.leafRange(0).startExclusive());
            assertEquals(range.endInclusive(), tree.leafRange(tree.leafCount() - 1).endInclusive());
            long widthMin = -1;
            long widthMax = 0;
            for (int i = 0; i < tree.leafCount(); i++) {
                TokenRange leaf = tree.leafRange(i);
                assertTrue(i == 0 || leaf.startExclusive() == tree.leafRange(i - 1).endInclusive(), "leaves are contiguous");
                assertTrue(tree.leafCount() == 1 || !leaf.isFullRing(), "no leaf is empty of tokens: " + leaf);
                long width = leaf.endInclusive() - leaf.startExclusive();
                widthMin = Long.compareUnsigned(width, widthMin) < 0 ? width : widthMin;
                widthMax = Long.compareUnsigned(width, widthMax) > 0 ? width : widthMax;
            }
            assertTrue(tree.leafCount() == 1 || widthMax - widthMin <= 1, "leaf widths " + widthMin + ".." + widthMax);
        });
    }

    @Test
    void leafOfPlacesEveryTokenInTheLeafThatContainsIt() {
        Seeds.forEach(BASE_SEED + 2, 300, (seed, random) -> {
            TokenRange range = randomRange(random);
            MerkleTree tree = MerkleTree.builder(range, random.nextInt(MerkleTree.MAX_DEPTH + 1)).build();
            for (int n = 0; n < 50; n++) {
                long token = tokenIn(random, range, tree);
                int leaf = tree.leafOf(token);
                assertTrue(tree.leafRange(leaf).contains(token), token + " in leaf " + leaf + " " + tree.leafRange(leaf));
                assertTrue(leaf == 0 || !tree.leafRange(leaf - 1).contains(token));
                assertTrue(leaf == tree.leafCount() - 1 || !tree.leafRange(leaf + 1).contains(token));
            }
        });
    }

    @Test
    void fullRingSplitsAtPowersOfTwoAndHoldsBothEndsOfTheSignedRing() {
        MerkleTree tree = MerkleTree.builder(TokenRange.FULL_RING, 10).build();
        assertEquals(1024, tree.leafCount());
        assertEquals(new TokenRange(Long.MIN_VALUE, Long.MIN_VALUE + (1L << 54)), tree.leafRange(0));
        assertEquals(0, tree.leafOf(Long.MIN_VALUE + 1));
        assertEquals(511, tree.leafOf(0));
        assertEquals(512, tree.leafOf(1));
        assertEquals(1023, tree.leafOf(Long.MAX_VALUE));
        assertEquals(1023, tree.leafOf(Long.MIN_VALUE), "the ring's start token is its last");
        MerkleTree single = MerkleTree.builder(new TokenRange(7, 7), 0).build();
        assertTrue(single.leafRange(0).isFullRing());
        assertEquals(0, single.leafOf(7));
        assertEquals(0, single.leafOf(Long.MIN_VALUE));
    }

    @Test
    void rangesWithFewerTokensThanLeavesGetShallowerTrees() {
        assertEquals(1, MerkleTree.builder(new TokenRange(0, 3), 10).build().depth());
        assertEquals(0, MerkleTree.builder(new TokenRange(Long.MAX_VALUE, Long.MIN_VALUE), 10).build().depth());
        assertEquals(10, MerkleTree.builder(new TokenRange(-1024, 0), 10).build().depth());
        assertEquals(9, MerkleTree.builder(new TokenRange(-1023, 0), 10).build().depth());
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.builder(TokenRange.FULL_RING, MerkleTree.MAX_DEPTH + 1));
        assertThrows(IllegalArgumentException.class, () -> MerkleTree.builder(TokenRange.FULL_RING, -1));
    }

    @Test
    void emptyTreesHaveZeroLeavesAndEqualRoots() {
        MerkleTree a = MerkleTree.builder(TokenRange.FULL_RING, 4).build();
        MerkleTree b = MerkleTree.builder(TokenRange.FULL_RING, 4).add(5, Key.of("x"), Siblings.EMPTY).build();
        assertEquals(a, b, "an EMPTY state is an absent key");
        assertEquals(MerkleHash.ZERO, a.leaf(3));
        assertEquals(List.of(), a.difference(b));
    }

    @Test
    void equalContentsInAnyInsertionOrderGiveEqualTrees() {
        Seeds.forEach(BASE_SEED + 3, 100, (seed, random) -> {
            TokenRange range = randomRange(random);
            int depth = random.nextInt(13);
            Tokens tokens = new Tokens();
            MerkleTree shape = MerkleTree.builder(range, depth).build();
            Map<Key, Siblings> state = new TreeMap<>();
            for (int n = random.nextInt(200); n > 0; n--) {
                state.put(tokens.newKey(tokenIn(random, range, shape)), randomState(random));
            }
            List<Key> order = new ArrayList<>(state.keySet());
            MerkleTree first = treeOf(range, depth, tokens, order, state);
            VersionFixtures.shuffle(random, order);
            MerkleTree second = treeOf(range, depth, tokens, order, state);
            assertEquals(first.root(), second.root());
            assertEquals(first, second);
        });
    }

    @Test
    void differenceFindsExactlyTheLeavesOfChangedKeys() {
        Seeds.forEach(BASE_SEED + 4, 200, (seed, random) -> {
            TokenRange range = randomRange(random);
            int depth = random.nextInt(11);
            Tokens tokens = new Tokens();
            MerkleTree shape = MerkleTree.builder(range, depth).build();
            Map<Key, Siblings> mine = new TreeMap<>();
            for (int n = random.nextInt(300); n > 0; n--) {
                mine.put(tokens.newKey(tokenIn(random, range, shape)), randomState(random));
            }
            Map<Key, Siblings> theirs = new TreeMap<>(mine);
            mutate(random, range, shape, tokens, theirs, random.nextInt(8));
            TreeSet<Integer> changedLeaves = leavesOfChangedKeys(shape, tokens, mine, theirs);
            MerkleTree a = treeOf(range, depth, tokens, new ArrayList<>(mine.keySet()), mine);
            MerkleTree b = treeOf(range, depth, tokens, new ArrayList<>(theirs.keySet()), theirs);
            assertEquals(new ArrayList<>(changedLeaves), a.differingLeaves(b));
            assertEquals(a.difference(b), b.difference(a));
            assertEquals(changedLeaves.isEmpty(), a.root().equals(b.root()));
            for (int leaf : changedLeaves) {
                assertTrue(a.difference(b).contains(a.leafRange(leaf)));
            }
        });
    }

    /** The leaves of the keys whose states differ (a key changed and changed back does not count). */
    private static TreeSet<Integer> leavesOfChangedKeys(MerkleTree shape, Tokens tokens, Map<Key, Siblings> a,
            Map<Key, Siblings> b) {
        TreeSet<Key> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        TreeSet<Integer> leaves = new TreeSet<>();
        for (Key key : keys) {
            if (!java.util.Objects.equals(a.get(key), b.get(key))) {
                leaves.add(shape.leafOf(tokens.tokenOf(key)));
            }
        }
        return leaves;
    }

    /** Changes {@code count} keys of {@code state} (new value, delete, or a new key) in place. */
    private static void mutate(RandomGenerator random, TokenRange range, MerkleTree shape, Tokens tokens,
            Map<Key, Siblings> state, int count) {
        for (int n = 0; n < count; n++) {
            List<Key> keys = new ArrayList<>(state.keySet());
            int kind = keys.isEmpty() ? 0 : random.nextInt(3);
            Key key = kind == 0 ? tokens.newKey(tokenIn(random, range, shape)) : keys.get(random.nextInt(keys.size()));
            Siblings before = state.get(key);
            if (kind == 1) {
                state.remove(key);
            } else {
                Siblings next = randomState(random);
                if (next.equals(before)) {
                    continue;
                }
                state.put(key, next);
            }
        }
    }

    @Test
    void treesOfDifferentShapesAreNotComparable() {
        MerkleTree a = MerkleTree.builder(TokenRange.FULL_RING, 4).build();
        MerkleTree b = MerkleTree.builder(TokenRange.FULL_RING, 5).build();
        MerkleTree c = MerkleTree.builder(new TokenRange(0, 100), 4).build();
        assertFalse(a.comparableWith(b));
        assertFalse(a.comparableWith(c));
        assertThrows(IllegalArgumentException.class, () -> a.difference(b));
        assertThrows(IllegalArgumentException.class, () -> a.difference(c));
        assertNotEquals(a, b);
    }

    @Test
    void tokensOutsideTheRangeAreRejected() {
        MerkleTree.Builder builder = MerkleTree.builder(new TokenRange(0, 100), 4);
        assertThrows(IllegalArgumentException.class, () -> builder.add(0, Key.of("a"), randomState(new java.util.SplittableRandom(1))));
        assertThrows(IllegalArgumentException.class, () -> builder.add(101, Key.of("a"), Siblings.EMPTY));
    }
}
