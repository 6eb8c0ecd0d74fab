package io.kvorum.node.handoff;

import io.kvorum.common.Invariants;

/**
 * How a node hands hints back: whether at all, how fast (hints per second over all owners), in
 * batches of how many (and how many bytes), how long to wait for an owner's acknowledgement, and
 * the exponential back-off between failed deliveries to one owner.
 */
public record HandoffSettings(boolean enabled, int ratePerSecond, int batchSize, long batchBytesMax, long timeoutMillis,
                              long retryMinMillis, long retryMaxMillis) {
    public HandoffSettings {
        Invariants.require(ratePerSecond >= 1, "handoff.rate must be >= 1, got %d", ratePerSecond);
        Invariants.require(batchSize >= 1, "handoff.batch-size must be >= 1, got %d", batchSize);
        Invariants.require(batchBytesMax >= 1 && timeoutMillis >= 1, "handoff batch bytes and timeout must be positive");
        Invariants.require(retryMinMillis >= 1 && retryMaxMillis >= retryMinMillis,
                "handoff.retry-min must be >= 1 ms and <= handoff.retry-max, got %d and %d", retryMinMillis, retryMaxMillis);
    }

    /** Batches stay well inside an internode frame even with large values. */
    public static final long BATCH_BYTES_MAX = 4L << 20;
    /** An owner that has not acknowledged a batch by then counts as failed and is backed off. */
    public static final long TIMEOUT_MILLIS = 10_000;

    public static HandoffSettings defaults() {
        return new HandoffSettings(true, 5_000, 100, BATCH_BYTES_MAX, TIMEOUT_MILLIS, 1_000, 60_000);
    }
}
