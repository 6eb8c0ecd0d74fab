package io.kvorum.node.core;

import io.kvorum.storage.version.Siblings;

/** The outcome of a {@link StorageOp}. */
public sealed interface StorageResult {
    /** The key's state after a read or merge. */
    record Loaded(Siblings state) implements StorageResult {}

    /**
     * The coordinator's new version, visible to readers; {@code durable} false means its sync is
     * still running and a {@link Durable} (or {@link Failed}) for the same operation follows.
     */
    record Written(Siblings.NewVersion version, boolean durable) implements StorageResult {}

    /** The coordinator's earlier {@link Written} version is now durable. */
    record Durable() implements StorageResult {}

    /** The engine failed (I/O error); nothing is promised about the key. */
    record Failed(String reason) implements StorageResult {}
}
