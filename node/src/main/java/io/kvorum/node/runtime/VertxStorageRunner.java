package io.kvorum.node.runtime;

import io.kvorum.node.core.Input;
import io.kvorum.node.core.StorageRunner;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The production {@link StorageRunner}: one-key operations the engine can do without waiting run on
 * the event loop, the rest on the storage workers, through {@link StorageExecution}. Called on the
 * node's event loop while it executes a step's effects.
 */
final class VertxStorageRunner implements StorageRunner {
    /** Hands a result to the node's context from any thread, to be stepped after what is queued there. */
    @FunctionalInterface
    interface Later {
        void deliver(long operationId, StorageResult result);
    }

    private final LocalStorage storage;
    private final WorkerExecutor storageWorkers;
    private final Consumer<Input> now;
    private final Later later;

    /**
     * @param now takes a result computed during the effect, to be stepped right after the current input
     * @param later takes a result from a worker or the engine's sync thread
     */
    VertxStorageRunner(LocalStorage storage, WorkerExecutor storageWorkers, Consumer<Input> now, Later later) {
        this.storage = storage;
        this.storageWorkers = storageWorkers;
        this.now = now;
        this.later = later;
    }

    /**
     * Runs a one-key operation right here when the engine can do it without waiting (memory engine;
     * log engine on a cache hit), else on a storage worker. The log engine's fsync never runs here:
     * a write done here completes its durability from the engine's sync thread.
     */
    @Override
    public void start(long id, StorageOp operation) {
        CompletionStage<StorageResult> started;
        try {
            started = StorageExecution.startIfReady(storage, operation, visible -> now.accept(new Input.StorageDone(id, visible)));
        } catch (RuntimeException e) {
            // as a worker's unexpected failure below: the operation fails, the request does not hang
            now.accept(new Input.StorageDone(id, new StorageResult.Failed(String.valueOf(e))));
            return;
        }
        if (started != null) {
            CompletableFuture<StorageResult> future = started.toCompletableFuture();
            if (future.isDone()) {
                now.accept(new Input.StorageDone(id, future.join())); // after the visible result, which is already queued
            } else {
                future.thenAccept(result -> later.deliver(id, result));
            }
            return;
        }
        // A coordinated write reports twice (visible: replicate now; then durable). The worker hands
        // both to the context itself, one after the other: one producer on the context's FIFO queue
        // keeps them in order, which a future's completion callback would not guarantee.
        try {
            storageWorkers.<Void>executeBlocking(() -> {
                StorageResult last = StorageExecution.executeOverlapped(storage, operation, visible -> later.deliver(id, visible));
                later.deliver(id, last);
                return null;
            }, false).onFailure(e -> later.deliver(id, new StorageResult.Failed(String.valueOf(e))));
        } catch (RejectedExecutionException e) {
            // The node is stopping and its storage workers are gone (seen under heavy load: a storage
            // completion still queued on the context started one more operation). The operation fails
            // like any other; before this, the exception escaped into the core's step and stopped the
            // process with status 70 as if the core were broken.
            now.accept(new Input.StorageDone(id, new StorageResult.Failed("the node is shutting down: " + e.getMessage())));
        }
    }
}
