package io.kvorum.storage.version;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Seeded loops for randomized tests: every run is replayable from the seed printed in its failure.
 *
 * <p>The first seed of a loop is the base seed itself, so a failure reported as {@code seed=S} is
 * replayed, as the first iteration, by {@code -Dkvorum.test.seed=S}. Shared through the test-jar.
 */
public final class Seeds {
    /** The system property that overrides every loop's base seed. */
    public static final String PROPERTY = "kvorum.test.seed";

    /** The body of one seeded iteration. */
    @FunctionalInterface
    public interface Body {
        void run(long seed, RandomGenerator random);
    }

    private Seeds() {}

    /**
     * Runs {@code body} for {@code count} seeds derived from the base seed ({@value #PROPERTY}, else
     * {@code defaultBase}). Any failure is rethrown as an {@link AssertionError} naming the seed.
     */
    public static void forEach(long defaultBase, int count, Body body) {
        long base = Long.getLong(PROPERTY, defaultBase);
        SplittableRandom derive = new SplittableRandom(base);
        for (int i = 0; i < count; i++) {
            long seed = i == 0 ? base : derive.nextLong();
            runOne(seed, body);
        }
    }

    /** Runs {@code body} once with {@code seed}; for pinned regression seeds. */
    public static void runOne(long seed, Body body) {
        try {
            body.run(seed, new SplittableRandom(seed));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed=" + seed + "; replay with -D" + PROPERTY + "=" + seed + ": " + e, e);
        }
    }
}
