package io.kvorum.bench.generator;

import java.util.random.RandomGenerator;

/**
 * Zipfian popularity with the popular items scattered over {@code [min, max]}, a seeded port of YCSB's
 * {@code ScrambledZipfianGenerator}: draw from a Zipfian over ten billion items (zeta precomputed, as
 * YCSB does) and FNV-hash the draw into the range, so hot keys do not cluster at low ordinals.
 */
public final class ScrambledZipfianGenerator implements NumberGenerator {

    /** YCSB's precomputed zeta(ITEM_COUNT, 0.99). */
    static final double ZETAN = 26.46902820178302;
    /** YCSB's underlying item count. */
    static final long ITEM_COUNT = 10_000_000_000L;

    private final long min;
    private final long itemCount;
    private final ZipfianGenerator zipfian;
    private long last;

    /** Scrambled Zipfian over {@code [min, max]} with YCSB's constant 0.99. */
    public ScrambledZipfianGenerator(long min, long max, RandomGenerator random) {
        this.min = min;
        this.itemCount = max - min + 1;
        this.zipfian = new ZipfianGenerator(0, ITEM_COUNT, ZipfianGenerator.ZIPFIAN_CONSTANT, ZETAN, random);
        this.last = min;
    }

    @Override
    public long nextValue() {
        long value = min + Fnv.hash64(zipfian.nextValue()) % itemCount;
        last = value;
        return value;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
