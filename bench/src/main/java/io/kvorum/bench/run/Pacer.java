package io.kvorum.bench.run;

/**
 * One worker's schedule. With a target rate, operation k of worker i is intended to start at
 * {@code start + (i / threads + k) * interval}, where {@code interval = threads / target}; a late
 * operation keeps its intended time, so its latency includes the time it waited behind slow ones
 * (the correction of YCSB's {@code -target} with intended times, and of wrk2). Without a target the
 * intended start is the actual one. Not thread-safe; one per worker.
 */
public final class Pacer {

    private final long startNanos;
    private final double intervalNanos;
    private long issued;

    private Pacer(long startNanos, double intervalNanos) {
        this.startNanos = startNanos;
        this.intervalNanos = intervalNanos;
    }

    /** The pacer of worker {@code worker} of {@code threads}, for a total rate of {@code targetOpsPerSecond} (0: none). */
    public static Pacer of(long startNanos, int worker, int threads, double targetOpsPerSecond) {
        if (targetOpsPerSecond <= 0) {
            return new Pacer(startNanos, 0);
        }
        double interval = threads * 1e9 / targetOpsPerSecond;
        return new Pacer(startNanos + (long) (interval * worker / threads), interval);
    }

    /** True when there is a schedule to keep. */
    public boolean paced() {
        return intervalNanos > 0;
    }

    /** The intended start of the next operation, given the time now. */
    public long nextIntendedNanos(long nowNanos) {
        if (!paced()) {
            return nowNanos;
        }
        return startNanos + (long) (intervalNanos * issued++);
    }
}
