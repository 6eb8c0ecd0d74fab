package io.kvorum.bench.generator;

import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The insert-key sequence shared by all workers, as YCSB's {@code AcknowledgedCounterGenerator}:
 * {@link #next()} hands out ordinals, and {@link #lastValue()} is the highest ordinal below which
 * every insert has been acknowledged, so readers never choose a key whose insert is still in flight.
 * Thread-safe.
 */
public final class AcknowledgedCounter {

    private final AtomicLong next;
    private final TreeSet<Long> acknowledgedAhead = new TreeSet<>();
    private volatile long limit;

    /** A counter whose first {@link #next()} is {@code start}; ordinals below it count as acknowledged. */
    public AcknowledgedCounter(long start) {
        this.next = new AtomicLong(start);
        this.limit = start - 1;
    }

    /** The next ordinal to insert. */
    public long next() {
        return next.getAndIncrement();
    }

    /** Marks {@code value}'s insert as finished (successfully or not, as YCSB does). */
    public synchronized void acknowledge(long value) {
        acknowledgedAhead.add(value);
        long newLimit = limit;
        while (!acknowledgedAhead.isEmpty() && acknowledgedAhead.first() == newLimit + 1) {
            newLimit = acknowledgedAhead.pollFirst();
        }
        limit = newLimit;
    }

    /** The highest ordinal below which all inserts are acknowledged. */
    public long lastValue() {
        return limit;
    }
}
