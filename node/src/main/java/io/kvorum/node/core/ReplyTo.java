package io.kvorum.node.core;

import io.kvorum.common.NodeId;

/** Where an operation's outcome goes: a local client (of a read or write, or of a PATCH), or the peer that forwarded the write. */
sealed interface ReplyTo {
    /** A client request of this node's driver. */
    record Client(long clientRequestId) implements ReplyTo {}

    /** A client PATCH of this node's driver (its read, then its write). */
    record PatchClient(long clientRequestId) implements ReplyTo {}

    /** A write {@code node} forwarded to this replica, as its request {@code requestId}. */
    record Peer(NodeId node, long requestId) implements ReplyTo {}
}
