package io.kvorum.node.core;

import io.kvorum.storage.version.Siblings;

/** The outcome of a {@link StorageOp}. */
public sealed interface StorageResult {
    /** The key's state after a read or merge. */
    record Loaded(Siblings state) implements StorageResult {}

    /** The coordinator's new version, durably stored. */
    record Written(Siblings.NewVersion version) implements StorageResult {}

    /** The engine failed (I/O error); nothing is promised about the key. */
    record Failed(String reason) implements StorageResult {}
}
