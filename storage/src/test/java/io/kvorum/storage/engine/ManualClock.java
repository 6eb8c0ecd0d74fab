package io.kvorum.storage.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A wall clock that moves only when the test says. */
public final class ManualClock implements LongSupplier {
    private final AtomicLong millis;

    public ManualClock(long startMillis) {
        millis = new AtomicLong(startMillis);
    }

    @Override
    public long getAsLong() {
        return millis.get();
    }

    public void advance(long deltaMillis) {
        millis.addAndGet(deltaMillis);
    }
}
