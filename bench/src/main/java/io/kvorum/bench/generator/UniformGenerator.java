package io.kvorum.bench.generator;

import java.util.random.RandomGenerator;

/** Uniform ordinals in {@code [min, max]}, as YCSB's {@code UniformLongGenerator}. */
public final class UniformGenerator implements NumberGenerator {

    private final long min;
    private final long max;
    private final RandomGenerator random;
    private long last;

    /** Uniform over {@code [min, max]}, both inclusive. */
    public UniformGenerator(long min, long max, RandomGenerator random) {
        if (max < min) {
            throw new IllegalArgumentException("uniform range is empty: [" + min + ", " + max + "]");
        }
        this.min = min;
        this.max = max;
        this.random = random;
        this.last = min;
    }

    @Override
    public long nextValue() {
        last = random.nextLong(min, max + 1);
        return last;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
