package io.kvorum.storage.engine;

/**
 * Runs a log's background work (interval fsync, hint files, compaction steps) off the caller's
 * thread. Supplied by the composition root, because storage code owns no threads or timers; tests
 * supply a hand-driven one and run the tasks when they choose.
 */
@FunctionalInterface
public interface BackgroundScheduler {
    /** Runs {@code task} once, on some background thread, no sooner than {@code delayMillis} from now. */
    void schedule(long delayMillis, Runnable task);
}
