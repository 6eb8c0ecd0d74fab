package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.contextOf;
import static io.kvorum.storage.version.VersionFixtures.dot;
import static io.kvorum.storage.version.VersionFixtures.dotsOf;
import static io.kvorum.storage.version.VersionFixtures.randomContext;
import static io.kvorum.storage.version.VersionFixtures.randomDots;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link CausalContext} against its meaning, a set of dots: membership, compaction, merge laws, compare, prune. */
class CausalContextTest {
    private static final Actor A = actor("node-a");
    private static final Actor B = actor("node-b");
    private static final Actor C = actor("node-c");
    private static final Actor D = actor("node-d");
    private static final List<Actor> ACTORS = List.of(A, B, C, actor("node-a", 1));

    // ---- contains, maxCounter, add, compaction ----

    @Test
    void containsPrefixAndCloudDotsOnly() {
        CausalContext context = CausalContext.of(Map.of(A, new CausalContext.Entry(3, 10)), Set.of(dot(A, 5)));

        for (long k = 1; k <= 3; k++) {
            assertTrue(context.contains(dot(A, k)), "prefix dot A:" + k);
        }
        assertTrue(context.contains(dot(A, 5)));
        assertFalse(context.contains(dot(A, 4)));
        assertFalse(context.contains(dot(A, 6)));
        assertFalse(context.contains(dot(B, 1)));
    }

    @Test
    void maxCounterIsTheHighestOfPrefixAndCloud() {
        CausalContext context = contextOf(dot(A, 1), dot(A, 2), dot(A, 7), dot(B, 3));

        assertEquals(7, context.maxCounter(A));
        assertEquals(3, context.maxCounter(B), "only a cloud dot for B");
        assertEquals(0, context.maxCounter(C));
        assertEquals(0, CausalContext.EMPTY.maxCounter(A));
    }

    @Test
    void maxCounterIgnoresAnotherActorsCloud() {
        CausalContext context = contextOf(dot(A, 5), dot(B, 1));

        assertEquals(1, context.maxCounter(B), "A's cloud dot sorts just below B's dots");
        assertEquals(5, context.maxCounter(A));
    }

    @Test
    void addBeyondTheGapGoesToTheCloud() {
        CausalContext context = CausalContext.EMPTY.add(dot(A, 2), 10);

        assertEquals(0, context.entries().get(A).counter());
        assertEquals(new TreeSet<>(List.of(dot(A, 2))), context.cloud());
    }

    @Test
    void addFoldsContiguousCloudDotsIntoThePrefix() {
        CausalContext context = contextOf(dot(A, 1), dot(A, 3), dot(A, 4), dot(A, 6));

        CausalContext filled = context.add(dot(A, 2), 10);

        assertEquals(4, filled.entries().get(A).counter());
        assertEquals(new TreeSet<>(List.of(dot(A, 6))), filled.cloud());
    }

    @Test
    void addOfADotBelowThePrefixIsAbsorbed() {
        CausalContext context = CausalContext.of(Map.of(A, new CausalContext.Entry(3, 50)), Set.of());

        assertEquals(context, context.add(dot(A, 2), 40));
        assertTrue(context.add(dot(A, 2), 40).cloud().isEmpty());
    }

    @Test
    void addKeepsTheNewestWallMillisOfAnActor() {
        CausalContext context = CausalContext.EMPTY.add(dot(A, 1), 50).add(dot(A, 2), 40);

        assertEquals(new CausalContext.Entry(2, 50), context.entries().get(A));
    }

    @Test
    void ofCompactsDecodedParts() {
        CausalContext context = CausalContext.of(
                Map.of(A, new CausalContext.Entry(2, 10)), Set.of(dot(A, 1), dot(A, 3), dot(A, 5)));

        assertEquals(3, context.entries().get(A).counter());
        assertEquals(new TreeSet<>(List.of(dot(A, 5))), context.cloud());
    }

    @Test
    void ofRejectsACloudDotWithoutItsActor() {
        assertThrows(IllegalArgumentException.class, () -> CausalContext.of(Map.of(), Set.of(dot(A, 1))));
    }

    // ---- agreement with the set-of-dots model ----

    @Test
    void agreesWithTheSetOfDotsItWasBuiltFrom() {
        Seeds.forEach(0xC0_0001L, 300, (seed, random) -> {
            List<Dot> dots = randomDots(random, ACTORS, 10);
            CausalContext context = contextOf(dots);
            assertEquals(new TreeSet<>(dots), dotsOf(context));
            for (Actor actor : ACTORS) {
                long expected = dots.stream().filter(d -> d.actor().equals(actor)).mapToLong(Dot::counter).max().orElse(0);
                assertEquals(expected, context.maxCounter(actor), "maxCounter of " + actor);
                for (long k = 1; k <= 11; k++) {
                    assertEquals(dots.contains(dot(actor, k)), context.contains(dot(actor, k)), "contains " + actor + ":" + k);
                }
            }
        });
    }

    @Test
    void mergeIsTheUnionOfDots() {
        Seeds.forEach(0xC0_0002L, 300, (seed, random) -> {
            CausalContext a = randomContext(random, ACTORS, 8);
            CausalContext b = randomContext(random, ACTORS, 8);
            NavigableSet<Dot> union = new TreeSet<>(dotsOf(a));
            union.addAll(dotsOf(b));
            assertEquals(union, dotsOf(a.merge(b)));
            assertEquals(contextOf(union), a.merge(b), "same dots, same context");
        });
    }

    @Test
    void coversAndCompareAreSetInclusion() {
        Seeds.forEach(0xC0_0003L, 500, (seed, random) -> {
            CausalContext a = randomContext(random, ACTORS.subList(0, 2), 4);
            CausalContext b = randomContext(random, ACTORS.subList(0, 2), 4);
            boolean aHasB = dotsOf(a).containsAll(dotsOf(b));
            boolean bHasA = dotsOf(b).containsAll(dotsOf(a));
            assertEquals(aHasB, a.covers(b), "a covers b; a=" + a + " b=" + b);
            assertEquals(expectedCausality(aHasB, bHasA), a.compare(b), "a=" + a + " b=" + b);
        });
    }

    private static Causality expectedCausality(boolean aHasB, boolean bHasA) {
        if (aHasB && bHasA) {
            return Causality.EQUAL;
        }
        if (aHasB) {
            return Causality.AFTER;
        }
        return bHasA ? Causality.BEFORE : Causality.CONCURRENT;
    }

    // ---- merge laws ----

    @Test
    void mergeIsCommutativeAssociativeAndIdempotent() {
        Seeds.forEach(0xC0_0004L, 300, (seed, random) -> {
            CausalContext a = randomContext(random, ACTORS, 8);
            CausalContext b = randomContext(random, ACTORS, 8);
            CausalContext c = randomContext(random, ACTORS, 8);
            assertEquals(a.merge(b), b.merge(a), "commutative");
            assertEquals(a.merge(b).merge(c), a.merge(b.merge(c)), "associative");
            assertEquals(a, a.merge(a), "idempotent");
            assertEquals(a, a.merge(CausalContext.EMPTY), "EMPTY is the identity");
            assertEquals(a, CausalContext.EMPTY.merge(a), "EMPTY is the identity");
        });
    }

    // ---- compare ----

    @Test
    void compareIsEqualExactlyWhenEquals() {
        Seeds.forEach(0xC0_0005L, 500, (seed, random) -> {
            CausalContext a = randomContext(random, ACTORS.subList(0, 2), 2);
            CausalContext b = randomContext(random, ACTORS.subList(0, 2), 2);
            assertEquals(a.equals(b), a.compare(b) == Causality.EQUAL, "a=" + a + " b=" + b);
            assertEquals(Causality.EQUAL, a.compare(rebuiltInAnotherOrder(random, a)));
        });
    }

    private static CausalContext rebuiltInAnotherOrder(RandomGenerator random, CausalContext context) {
        List<Dot> dots = new ArrayList<>(dotsOf(context));
        VersionFixtures.shuffle(random, dots);
        CausalContext rebuilt = contextOf(dots);
        assertEquals(context, rebuilt, "insertion order must not show");
        assertEquals(context.hashCode(), rebuilt.hashCode());
        return rebuilt;
    }

    @Test
    void compareIsAntisymmetric() {
        Seeds.forEach(0xC0_0006L, 500, (seed, random) -> {
            CausalContext a = randomContext(random, ACTORS.subList(0, 2), 3);
            CausalContext b = randomContext(random, ACTORS.subList(0, 2), 3);
            assertEquals(a.compare(b) == Causality.BEFORE, b.compare(a) == Causality.AFTER, "a=" + a + " b=" + b);
            assertEquals(a.compare(b) == Causality.CONCURRENT, b.compare(a) == Causality.CONCURRENT);
            assertEquals(a.compare(b) == Causality.EQUAL, b.compare(a) == Causality.EQUAL);
        });
    }

    @Test
    void compareOfDisjointActorsIsConcurrent() {
        assertEquals(Causality.CONCURRENT, contextOf(dot(A, 1)).compare(contextOf(dot(B, 1))));
    }

    @Test
    void compareSeesACloudGapAsConcurrent() {
        CausalContext withGap = contextOf(dot(A, 1), dot(A, 3)); // a writer that never saw A:2
        CausalContext prefix = contextOf(dot(A, 1), dot(A, 2));

        assertEquals(Causality.CONCURRENT, withGap.compare(prefix));
        assertEquals(Causality.AFTER, withGap.add(dot(A, 2), 0).compare(prefix));
        assertEquals(Causality.BEFORE, prefix.compare(withGap.add(dot(A, 2), 0)));
    }

    @Test
    void emptyIsBeforeEveryNonEmptyContext() {
        CausalContext context = contextOf(dot(A, 2));

        assertEquals(Causality.BEFORE, CausalContext.EMPTY.compare(context));
        assertEquals(Causality.AFTER, context.compare(CausalContext.EMPTY));
        assertEquals(Causality.EQUAL, CausalContext.EMPTY.compare(CausalContext.EMPTY));
    }

    @Test
    void coversNeedsEveryDotOfALongerPrefix() {
        CausalContext mine = contextOf(dot(A, 1), dot(A, 3));

        assertFalse(mine.covers(contextOf(dot(A, 1), dot(A, 2), dot(A, 3))));
        assertTrue(mine.covers(contextOf(dot(A, 3))));
        assertTrue(mine.covers(CausalContext.EMPTY));
    }

    // ---- prune ----

    @Test
    void pruneWithinTheLimitChangesNothing() {
        CausalContext context = contextOf(dot(A, 1), dot(B, 1));

        assertSame(context, context.prune(2, Set.of()));
    }

    @Test
    void pruneEvictsTheActorsSeenLongestAgo() {
        CausalContext context = seenAt(Map.of(A, 30L, B, 10L, C, 20L, D, 40L));

        assertEquals(Set.of(A, D), context.prune(2, Set.of()).entries().keySet());
    }

    @Test
    void pruneNeverEvictsAKeptActor() {
        CausalContext context = seenAt(Map.of(A, 30L, B, 10L, C, 20L, D, 40L));

        assertEquals(Set.of(B, D), context.prune(2, Set.of(B)).entries().keySet());
        assertEquals(Set.of(A, B, C), context.prune(1, Set.of(A, B, C)).entries().keySet(), "keep wins over the limit");
    }

    @Test
    void pruneBreaksWallMillisTiesByActorOrder() {
        CausalContext context = seenAt(Map.of(C, 10L, A, 10L, B, 10L, D, 5L));

        assertEquals(Set.of(B, C), context.prune(2, Set.of()).entries().keySet());
        assertEquals(Set.of(C), context.prune(1, Set.of()).entries().keySet());
    }

    @Test
    void pruneForgetsTheEvictedActorsCloudDots() {
        CausalContext context = CausalContext.EMPTY.add(dot(A, 3), 1).add(dot(B, 1), 2);

        CausalContext pruned = context.prune(1, Set.of());

        assertFalse(pruned.contains(dot(A, 3)));
        assertTrue(pruned.cloud().isEmpty());
        assertEquals(contextOf(dot(B, 1)).entries().keySet(), pruned.entries().keySet());
    }

    @Test
    void pruneIsDeterministicWhateverTheHistoryOrder() {
        Seeds.forEach(0xC0_0007L, 200, (seed, random) -> {
            CausalContext context = randomContext(random, ACTORS, 6);
            CausalContext same = rebuiltInAnotherOrder(random, context);
            int max = 1 + random.nextInt(ACTORS.size());
            Set<Actor> keep = random.nextBoolean() ? Set.of() : Set.of(ACTORS.get(random.nextInt(ACTORS.size())));
            CausalContext pruned = context.prune(max, keep);
            assertEquals(pruned, same.prune(max, keep));
            assertTrue(pruned.actorCount() <= Math.max(max, keep.size()));
            assertTrue(context.covers(pruned), "pruning only forgets");
        });
    }

    @Test
    void pruneRejectsANonPositiveLimit() {
        assertThrows(IllegalArgumentException.class, () -> contextOf(dot(A, 1)).prune(0, Set.of()));
    }

    /** One dot per actor, seen at the given wall time. */
    private static CausalContext seenAt(Map<Actor, Long> wallMillis) {
        CausalContext context = CausalContext.EMPTY;
        for (Map.Entry<Actor, Long> e : new TreeMap<>(wallMillis).entrySet()) {
            context = context.add(dot(e.getKey(), 1), e.getValue());
        }
        return context;
    }
}
