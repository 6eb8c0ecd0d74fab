package io.kvorum.storage.engine;

import java.util.function.LongSupplier;

/**
 * What a log needs from the composition root: a scheduler for its background work and the wall
 * clock (tombstone grace is wall time, as the tombstones' own timestamps are).
 */
public record LogEnvironment(BackgroundScheduler scheduler, LongSupplier wallMillis) {
    public LogEnvironment {
        io.kvorum.common.Invariants.require(scheduler != null && wallMillis != null, "scheduler and wall clock must be set");
    }
}
