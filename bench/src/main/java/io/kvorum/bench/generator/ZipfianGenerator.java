package io.kvorum.bench.generator;

import java.util.random.RandomGenerator;

/**
 * Zipfian-distributed ordinals in {@code [min, max]}, a seeded port of YCSB's {@code ZipfianGenerator},
 * which implements Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994).
 * Item {@code min} is the most popular; popularity falls off as {@code 1/rank^theta}.
 *
 * <p>The item count may grow between calls ({@link #next(long)}), as the Latest distribution needs;
 * zeta is then extended incrementally. Unlike YCSB, eta is recomputed from the new item count (YCSB
 * keeps the constructor's count there, a known slip that slightly flattens the tail). Not thread-safe.
 */
public final class ZipfianGenerator implements NumberGenerator {

    /** YCSB's default skew constant. */
    public static final double ZIPFIAN_CONSTANT = 0.99;

    private final long base;
    private final long items;
    private final double theta;
    private final double zeta2theta;
    private final double alpha;
    private final RandomGenerator random;
    private double zetan;
    private double eta;
    private long countForZeta;
    private long last;

    /** Zipfian over {@code [min, max]} with YCSB's constant; computes zeta in O(max - min). */
    public ZipfianGenerator(long min, long max, RandomGenerator random) {
        this(min, max, ZIPFIAN_CONSTANT, zeta(max - min + 1, ZIPFIAN_CONSTANT), random);
    }

    /** Zipfian over {@code [min, max]} with a precomputed {@code zetan = zeta(max - min + 1, constant)}. */
    public ZipfianGenerator(long min, long max, double constant, double zetan, RandomGenerator random) {
        if (max < min) {
            throw new IllegalArgumentException("zipfian range is empty: [" + min + ", " + max + "]");
        }
        this.items = max - min + 1;
        this.base = min;
        this.theta = constant;
        this.zeta2theta = zeta(2, theta);
        this.alpha = 1.0 / (1.0 - theta);
        this.zetan = zetan;
        this.countForZeta = items;
        this.eta = eta(items);
        this.random = random;
        this.last = min;
    }

    /** The generalized harmonic number {@code sum_{i=1..n} 1/i^theta}. */
    public static double zeta(long n, double theta) {
        return zeta(0, n, theta, 0);
    }

    private static double zeta(long start, long n, double theta, double initialSum) {
        double sum = initialSum;
        for (long i = start; i < n; i++) {
            sum += 1 / Math.pow(i + 1, theta);
        }
        return sum;
    }

    private double eta(long itemCount) {
        return (1 - Math.pow(2.0 / itemCount, 1 - theta)) / (1 - zeta2theta / zetan);
    }

    /** The next ordinal among the first {@code itemCount} items (which may only grow). */
    public long next(long itemCount) {
        if (itemCount > countForZeta) {
            zetan = zeta(countForZeta, itemCount, theta, zetan);
            countForZeta = itemCount;
            eta = eta(itemCount);
        }
        double u = random.nextDouble();
        double uz = u * zetan;
        long value;
        if (uz < 1.0) {
            value = base;
        } else if (uz < 1.0 + Math.pow(0.5, theta)) {
            value = base + 1;
        } else {
            value = base + (long) (itemCount * Math.pow(eta * u - eta + 1, alpha));
        }
        last = value;
        return value;
    }

    @Override
    public long nextValue() {
        return next(items);
    }

    @Override
    public long lastValue() {
        return last;
    }
}
