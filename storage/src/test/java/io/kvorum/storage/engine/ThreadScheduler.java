package io.kvorum.storage.engine;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A {@link BackgroundScheduler} on real threads, as the runtime supplies one; for tests of background work. */
public final class ThreadScheduler implements BackgroundScheduler, AutoCloseable {
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, task -> {
        Thread thread = new Thread(task, "test-storage-background");
        thread.setDaemon(true);
        return thread;
    });

    @Override
    public void schedule(long delayMillis, Runnable task) {
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed: background work of a closed log is moot
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
