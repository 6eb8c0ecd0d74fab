package io.kvorum.node.runtime;

import io.kvorum.node.core.Clock;

/** The real clocks: {@link System#nanoTime} for monotonic time, {@link System#currentTimeMillis} for wall time. */
final class SystemClock implements Clock {
    @Override
    public long monotonicMillis() {
        return System.nanoTime() / 1_000_000L;
    }

    /** Monotonic nanoseconds, for the storage engine's group commit, which measures gaps shorter than a millisecond. */
    long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long wallMillis() {
        return System.currentTimeMillis();
    }
}
