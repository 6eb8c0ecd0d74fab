package io.kvorum.node.runtime;

import io.kvorum.config.KvorumConfig;
import io.kvorum.config.StorageConfig;
import io.kvorum.ring.Partitioner;
import io.kvorum.storage.engine.BackgroundScheduler;
import io.kvorum.storage.engine.LogEngine;
import io.kvorum.storage.engine.LogEnvironment;
import io.kvorum.storage.engine.LogSettings;
import io.kvorum.storage.engine.LogStore;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.hint.HintStore;
import io.kvorum.storage.hint.Hints;
import io.kvorum.storage.hint.MemoryHintStore;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The node's engine, its hints (durable beside the log engine, in memory beside the memory engine)
 * and the threads that run their background work (fsyncs, hint files, compaction); closed
 * together, engine first.
 */
record NodeStorage(StorageEngine engine, Hints hints, ScheduledExecutorService background) {
    /** Worker threads for a blocking engine: enough concurrent writers to fill a group commit. */
    private static final int STORAGE_WORKERS = 16;

    static NodeStorage open(KvorumConfig config, Partitioner partitioner) {
        StorageConfig storage = config.storage();
        int hintsPerOwnerMax = config.handoff().maxHintsPerOwner();
        if (storage.engine() == StorageConfig.Engine.MEMORY) {
            return new NodeStorage(new MemoryEngine(partitioner::token), new MemoryHintStore(hintsPerOwnerMax), null);
        }
        // Three threads: the event loop's group commits (fsyncs) must not queue behind a hint file
        // being written and a compaction step.
        ScheduledExecutorService background = Executors.newScheduledThreadPool(3, task -> {
            Thread thread = new Thread(task, "kvorum-storage-background");
            thread.setDaemon(true);
            return thread;
        });
        BackgroundScheduler scheduler = (delayMillis, task) -> {
            try {
                background.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down: the engine is closed or closing, its background work is moot
            }
        };
        SystemClock clock = new SystemClock();
        LogEnvironment environment = new LogEnvironment(scheduler, clock::wallMillis, clock::monotonicNanos);
        LogSettings settings = LogSettings.from(storage);
        Path dataDir = config.node().dataDir();
        LogEngine engine = null;
        try {
            engine = LogEngine.open(dataDir.resolve("data"), partitioner::token, settings, environment);
            HintStore hints = new HintStore(LogStore.open(dataDir.resolve("hints"), settings.withCacheBytes(0), environment),
                    hintsPerOwnerMax);
            return new NodeStorage(engine, hints, background);
        } catch (RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            background.shutdownNow();
            throw e;
        }
    }

    /** Worker threads for the node loop's storage operations. */
    WorkerExecutor workers(Vertx vertx) {
        return vertx.createSharedWorkerExecutor("kvorum-storage", STORAGE_WORKERS);
    }

    void close() {
        try {
            engine.close();
            hints.close();
        } finally {
            if (background != null) {
                background.shutdownNow();
            }
        }
    }
}
