package io.kvorum.node.core;

import io.kvorum.common.Key;
import io.kvorum.node.coordinator.GetCoordinator;
import io.kvorum.node.coordinator.PutCoordinator;
import io.kvorum.node.coordinator.WriteForwarder;
import io.kvorum.storage.version.Siblings;

/** A client request the coordinator side is running, under its operation id: one of the three decision machines and whom to answer. */
sealed interface Operation {
    /**
     * A read: a client's, or the first half of a blind delete or a PATCH ({@code then} says which).
     * A digest read's one timer fires first at the hedge point ({@code hedgePending}: the data
     * replica is slow, so digests are fetched whole), then again at {@code deadlineMillis}.
     */
    final class ReadOp implements Operation {
        final Key key;
        final GetCoordinator coordinator;
        final ReplyTo replyTo;
        final AfterRead then;
        final long deadlineMillis;
        boolean hedgePending;

        ReadOp(Key key, GetCoordinator coordinator, ReplyTo replyTo, AfterRead then, long deadlineMillis, boolean hedgePending) {
            this.key = key;
            this.coordinator = coordinator;
            this.replyTo = replyTo;
            this.then = then;
            this.deadlineMillis = deadlineMillis;
            this.hedgePending = hedgePending;
        }
    }

    /**
     * A write this node coordinates; {@code stored} is the state its local engine wrote, once it has.
     * A sloppy write's one timer fires first at the hedge point ({@code hedgePending}), then again
     * at {@code deadlineMillis}.
     */
    final class WriteOp implements Operation {
        final Key key;
        final PutCoordinator coordinator;
        final ReplyTo replyTo;
        final long deadlineMillis;
        boolean hedgePending;
        /** Whether the nodes gaining the key's range in a membership change have been sent the write. */
        boolean pendingSent;
        Siblings stored;

        WriteOp(Key key, PutCoordinator coordinator, ReplyTo replyTo, long deadlineMillis, boolean hedgePending) {
            this.key = key;
            this.coordinator = coordinator;
            this.replyTo = replyTo;
            this.deadlineMillis = deadlineMillis;
            this.hedgePending = hedgePending;
        }
    }

    /** A write handed to a replica to coordinate. */
    record ForwardOp(WriteRequest request, WriteForwarder forwarder, ReplyTo replyTo) implements Operation {}
}
