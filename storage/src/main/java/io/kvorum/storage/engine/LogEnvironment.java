package io.kvorum.storage.engine;

import java.util.function.LongSupplier;

/**
 * What a log needs from the composition root: a scheduler for its background work, the wall
 * clock (tombstone grace is wall time, as the tombstones' own timestamps are) and a monotonic one
 * in nanoseconds (group commit tells a busy log from an idle one by it).
 */
public record LogEnvironment(BackgroundScheduler scheduler, LongSupplier wallMillis, LongSupplier monotonicNanos) {
    public LogEnvironment {
        io.kvorum.common.Invariants.require(scheduler != null && wallMillis != null && monotonicNanos != null,
                "scheduler and clocks must be set");
    }

    /** For tests and tools: a monotonic clock that stands still, so every sync after the first waits the window. */
    public LogEnvironment(BackgroundScheduler scheduler, LongSupplier wallMillis) {
        this(scheduler, wallMillis, () -> 0L);
    }
}
