package io.kvorum.node.core;

import io.kvorum.node.protocol.StorageOp;

/**
 * Carries out the core's {@link Effect.Storage}s: the runtime on its event loop when the engine can
 * answer without waiting, else on its storage workers (blocking, with a coordinated write's sync
 * overlapped); the simulator on its simulated disks. Either way the results re-enter the core as
 * {@link Input.StorageDone} on the core's owner thread, a coordinated write's twice: visible (not yet
 * durable) first, then durable or failed. Like {@link Transport}, it is the driver's, never the core's.
 */
public interface StorageRunner {
    /** Starts {@code operation}; its result comes back as {@code StorageDone(operationId, result)}. */
    void start(long operationId, StorageOp operation);
}
