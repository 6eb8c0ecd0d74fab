package io.kvorum.node.core;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage.ReadMode;
import io.kvorum.node.protocol.StorageResult;
import java.util.function.Consumer;

/** What to do when a storage operation completes. */
sealed interface StorageWaiter {
    /** The local write of the write operation {@code operationId} this node coordinates. */
    record CoordinatorWrite(long operationId) implements StorageWaiter {}

    /** Answer {@code from}'s replica read of {@code key}, with the state or its digest as {@code mode} asks. */
    record ServeGet(NodeId from, long requestId, Key key, ReadMode mode) implements StorageWaiter {}

    /** Acknowledge {@code from}'s replica write (or report its failure). */
    record ServePut(NodeId from, long requestId) implements StorageWaiter {}

    /** A read repair: nobody waits for it. */
    record ApplyRepair() implements StorageWaiter {}

    /** A background protocol's (or a hint's) continuation. */
    record Then(Consumer<StorageResult> callback) implements StorageWaiter {}
}
