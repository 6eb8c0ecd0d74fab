package io.kvorum.node.core;

import io.kvorum.node.protocol.ValuePatch;

/** What the coordinator does once a read has its answer: answer it, or use it for a write. */
sealed interface AfterRead {
    /** A client read: answer the client. */
    record Answer() implements AfterRead {}

    /** A blind delete: write its tombstone with the read's context, so it supersedes what the replicas hold. */
    record Delete(WriteRequest delete) implements AfterRead {}

    /**
     * A PATCH: apply {@code patch} to the one live value and write the result with the read's
     * context, the write's parameters taken from {@code write} (whose value is replaced).
     */
    record Patch(WriteRequest write, ValuePatch patch) implements AfterRead {}
}
