package io.kvorum.bench.generator;

import java.util.random.RandomGenerator;

/**
 * The "latest" distribution, a seeded port of YCSB's {@code SkewedLatestGenerator}: the most recently
 * inserted (acknowledged) record is the most popular, older ones fall off Zipfian-style. Reads the
 * shared {@link AcknowledgedCounter}; the generator itself belongs to one worker.
 */
public final class SkewedLatestGenerator implements NumberGenerator {

    private final AcknowledgedCounter basis;
    private final ZipfianGenerator zipfian;
    private long last;

    /**
     * A latest-skewed generator over {@code basis}; {@code zetan} is {@code zeta(basis.lastValue(), 0.99)},
     * precomputed once per run because it costs O(record count).
     */
    public SkewedLatestGenerator(AcknowledgedCounter basis, double zetan, RandomGenerator random) {
        this.basis = basis;
        long items = Math.max(1, basis.lastValue());
        this.zipfian = new ZipfianGenerator(0, items - 1, ZipfianGenerator.ZIPFIAN_CONSTANT, zetan, random);
        this.last = basis.lastValue();
    }

    @Override
    public long nextValue() {
        long max = basis.lastValue();
        long value = max - zipfian.next(Math.max(1, max));
        last = value;
        return value;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
