package io.kvorum.storage.engine;

import java.util.ArrayList;
import java.util.List;

/** A {@link BackgroundScheduler} that only queues: the test runs the queued tasks when it chooses, on its own thread. */
public final class ManualScheduler implements BackgroundScheduler {
    private final List<Runnable> queued = new ArrayList<>();
    private final List<Long> delays = new ArrayList<>();

    @Override
    public synchronized void schedule(long delayMillis, Runnable task) {
        queued.add(task);
        delays.add(delayMillis);
    }

    /** The delay of every task scheduled so far, in order. */
    public synchronized List<Long> delays() {
        return List.copyOf(delays);
    }

    /** Runs the tasks queued now (not those they queue in turn, such as the next periodic run); returns how many ran. */
    public int runQueued() {
        List<Runnable> now;
        synchronized (this) {
            now = new ArrayList<>(queued);
            queued.clear();
        }
        now.forEach(Runnable::run);
        return now.size();
    }

    /**
     * Runs queued tasks round after round, {@code rounds} times: enough for chains such as a
     * compaction's steps to finish (periodic tasks just run once per round).
     */
    public void settle(int rounds) {
        for (int i = 0; i < rounds; i++) {
            runQueued();
        }
    }
}
