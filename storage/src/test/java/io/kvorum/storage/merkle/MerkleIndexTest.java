package io.kvorum.storage.merkle;

import static io.kvorum.storage.merkle.MerkleFixtures.randomState;
import static io.kvorum.storage.merkle.MerkleFixtures.tokenIn;
import static io.kvorum.storage.merkle.MerkleFixtures.treeOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link MerkleIndex}: incremental maintenance equals a rebuild from a scan, for any history and any ranges. */
class MerkleIndexTest {
    private static final long BASE_SEED = 0x3E4C_1D00L;

    @Test
    void incrementalMaintenanceEqualsRebuildForRandomHistories() {
        System.out.println("MerkleIndexTest base seed " + Long.getLong(Seeds.PROPERTY, BASE_SEED + 1));
        Seeds.forEach(BASE_SEED + 1, 150, (seed, random) -> {
            Tokens tokens = new Tokens();
            int depth = random.nextInt(12);
            List<TokenRange> arcs = randomArcs(random);
            MerkleIndex index = new MerkleIndex(tokens::tokenOf, depth);
            List<TokenRange> tracked = new ArrayList<>();
            for (TokenRange arc : arcs) {
                if (arcs.size() == 1 || random.nextInt(3) != 0) {
                    index.track(arc);
                    tracked.add(arc);
                }
            }
            Map<Key, Siblings> store = new TreeMap<>();
            int steps = random.nextInt(400);
            for (int step = 0; step < steps; step++) {
                applyRandomWrite(random, arcs, depth, tokens, store, index, tracked);
                if (random.nextInt(50) == 0) {
                    assertIndexMatchesStore(random, index, tracked, depth, tokens, store);
                }
            }
            assertIndexMatchesStore(random, index, tracked, depth, tokens, store);
        });
    }

    /** One put of a new key, overwrite, delete or unchanged rewrite, reported to the index as an engine would. */
    private static void applyRandomWrite(RandomGenerator random, List<TokenRange> arcs, int depth, Tokens tokens,
            Map<Key, Siblings> store, MerkleIndex index, List<TokenRange> tracked) {
        List<Key> keys = new ArrayList<>(store.keySet());
        int kind = keys.isEmpty() ? 0 : random.nextInt(4);
        Key key;
        if (kind == 0) {
            TokenRange arc = arcs.get(random.nextInt(arcs.size()));
            key = tokens.newKey(tokenIn(random, arc, MerkleTree.builder(arc, depth).build()));
        } else {
            key = keys.get(random.nextInt(keys.size()));
        }
        Siblings before = store.getOrDefault(key, Siblings.EMPTY);
        Siblings after = switch (kind) {
            case 1 -> Siblings.EMPTY;
            case 2 -> before;
            default -> randomState(random);
        };
        if (after.equals(Siblings.EMPTY)) {
            store.remove(key);
        } else {
            store.put(key, after);
        }
        boolean inTracked = tracked.stream().anyMatch(range -> range.contains(tokens.tokenOf(key)));
        assertEquals(inTracked, index.onChange(key, before, after));
    }

    private static void assertIndexMatchesStore(RandomGenerator random, MerkleIndex index, List<TokenRange> tracked,
            int depth, Tokens tokens, Map<Key, Siblings> store) {
        List<Key> order = new ArrayList<>(store.keySet());
        VersionFixtures.shuffle(random, order);
        MerkleIndex rebuilt = new MerkleIndex(tokens::tokenOf, depth);
        for (TokenRange range : tracked) {
            MerkleTree scanned = treeOf(range, depth, tokens, order, store);
            assertEquals(scanned, index.snapshot(range), "incremental == built from a scan, " + range);
            rebuilt.track(range);
            rebuilt.rebuild(range, visitor -> scan(range, tokens, order, store, visitor));
            assertEquals(scanned, rebuilt.snapshot(range), "rebuild == built from a scan, " + range);
        }
    }

    private static void scan(TokenRange range, Tokens tokens, List<Key> order, Map<Key, Siblings> store,
            java.util.function.BiConsumer<Key, Siblings> visitor) {
        for (Key key : order) {
            if (range.contains(tokens.tokenOf(key))) {
                visitor.accept(key, store.get(key));
            }
        }
    }

    /** The ring cut at 1 to 5 random tokens (sometimes the signed ring's ends): the arcs between cuts, clockwise. */
    private static List<TokenRange> randomArcs(RandomGenerator random) {
        TreeSet<Long> cuts = new TreeSet<>();
        int count = 1 + random.nextInt(5);
        while (cuts.size() < count) {
            int kind = random.nextInt(4);
            cuts.add(kind == 0 ? Long.MIN_VALUE : kind == 1 ? Long.MAX_VALUE : random.nextLong());
        }
        List<Long> sorted = new ArrayList<>(cuts);
        List<TokenRange> arcs = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            arcs.add(new TokenRange(sorted.get((i + sorted.size() - 1) % sorted.size()), sorted.get(i)));
        }
        return arcs;
    }

    @Test
    void changesCommuteSoOutOfOrderReportsGiveTheSameLeaves() {
        Seeds.forEach(BASE_SEED + 2, 50, (seed, random) -> {
            Tokens tokens = new Tokens();
            Key key = tokens.newKey(random.nextLong());
            List<Siblings> history = new ArrayList<>(List.of(Siblings.EMPTY));
            for (int n = random.nextInt(6); n > 0; n--) {
                history.add(random.nextInt(4) == 0 ? Siblings.EMPTY : randomState(random));
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 1; i < history.size(); i++) {
                order.add(i);
            }
            VersionFixtures.shuffle(random, order);
            MerkleIndex index = new MerkleIndex(tokens::tokenOf, 6);
            index.track(TokenRange.FULL_RING);
            for (int i : order) {
                index.onChange(key, history.get(i - 1), history.get(i));
            }
            Siblings last = history.get(history.size() - 1);
            MerkleTree expected = treeOf(TokenRange.FULL_RING, 6, tokens, List.of(key), Map.of(key, last));
            assertEquals(expected, index.snapshot(TokenRange.FULL_RING));
        });
    }

    @Test
    void trackingRejectsOverlapsAndUnknownRanges() {
        MerkleIndex index = new MerkleIndex(key -> 0, 4);
        index.track(new TokenRange(Long.MAX_VALUE - 10, Long.MIN_VALUE + 10));
        assertThrows(IllegalArgumentException.class, () -> index.track(new TokenRange(Long.MIN_VALUE, 0)));
        assertThrows(IllegalArgumentException.class, () -> index.track(TokenRange.FULL_RING));
        assertThrows(IllegalArgumentException.class, () -> index.track(new TokenRange(Long.MAX_VALUE - 20, Long.MAX_VALUE - 5)));
        index.track(new TokenRange(Long.MIN_VALUE + 10, 0));
        assertEquals(List.of(new TokenRange(Long.MAX_VALUE - 10, Long.MIN_VALUE + 10), new TokenRange(Long.MIN_VALUE + 10, 0)),
                index.ranges());
        assertEquals(Optional.of(new TokenRange(Long.MAX_VALUE - 10, Long.MIN_VALUE + 10)), index.rangeOf(Long.MIN_VALUE));
        assertEquals(Optional.of(new TokenRange(Long.MIN_VALUE + 10, 0)), index.rangeOf(0));
        assertEquals(Optional.empty(), index.rangeOf(1));
        assertThrows(IllegalArgumentException.class, () -> index.snapshot(new TokenRange(5, 0)));
        index.untrack(new TokenRange(Long.MIN_VALUE + 10, 0));
        assertEquals(Optional.empty(), index.rangeOf(0));
        assertThrows(IllegalArgumentException.class, () -> new MerkleIndex(key -> 0, MerkleTree.MAX_DEPTH + 1));
    }

    @Test
    void keysOutsideTrackedRangesAreIgnoredAndScansOutsideTheRangeFailLoudly() {
        Tokens tokens = new Tokens();
        Key inside = tokens.newKey(50);
        Key outside = tokens.newKey(500);
        MerkleIndex index = new MerkleIndex(tokens::tokenOf, 3);
        TokenRange range = new TokenRange(0, 100);
        index.track(range);
        MerkleTree empty = index.snapshot(range);
        assertFalse(index.onChange(outside, Siblings.EMPTY, randomState(new java.util.SplittableRandom(3))));
        assertEquals(empty, index.snapshot(range));
        assertTrue(index.onChange(inside, Siblings.EMPTY, randomState(new java.util.SplittableRandom(4))));
        assertEquals(List.of(new TokenRange(37, 50)), empty.difference(index.snapshot(range)));
        assertThrows(IllegalStateException.class,
                () -> index.rebuild(range, visitor -> visitor.accept(outside, randomState(new java.util.SplittableRandom(5)))));
    }
}
