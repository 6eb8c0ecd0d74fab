package io.kvorum.node.core;

import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.common.NodeId;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.transfer.TransferProgress;
import java.util.List;

/** Everything a node asks its driver to do, as data. */
public sealed interface Effect {
    /** Deliver {@code message} to {@code to} (never this node itself: the core loops those back). */
    record Send(NodeId to, PeerMessage message) implements Effect {}

    /** Complete the client read with this id. */
    record ReadReply(long clientRequestId, ReadOutcome outcome) implements Effect {}

    /** Complete the client write or delete with this id. */
    record WriteReply(long clientRequestId, WriteOutcome outcome) implements Effect {}

    /**
     * Feed {@link Input.TimerFired} with {@code timerId} once the monotonic clock reaches
     * {@code atMillis}. An id is set again only after it fired (a write's hedge, then its deadline).
     */
    record SetTimer(long timerId, long atMillis) implements Effect {}

    /** The timer is no longer needed (firing anyway is harmless: the core ignores unknown timers). */
    record CancelTimer(long timerId) implements Effect {}

    /** Run {@code operation} against the local engine and feed {@link Input.StorageDone} back. */
    record Storage(long operationId, StorageOp operation) implements Effect {}

    /**
     * Drop the connection to {@code peer}, which the failure detector has just convicted: a
     * connection into a partition sits in TCP's retransmission back-off for many seconds after it
     * heals, while a fresh one (opened by the next send) works at once (Cassandra resets connections
     * on conviction for the same reason).
     */
    record Disconnect(NodeId peer) implements Effect {}

    /**
     * This node has just taken these ring tokens, or finished joining with them: store them so a
     * restart keeps them, and whether it still joins ({@code joined} false) so a restart resumes the join.
     */
    record PersistTokens(List<Long> tokens, boolean joined) implements Effect {
        public PersistTokens {
            tokens = List.copyOf(tokens);
        }
    }

    /** Store the progress of the transfers this node receives, so a restart resumes them where they stopped. */
    record PersistTransfers(TransferProgress progress) implements Effect {}

    /** The answer to {@link Input.Admin} with this id: accepted, or refused with an api.md error code. */
    record AdminReply(long requestId, Membership.ChangeRequest result) implements Effect {}

    /** This node has left the cluster (its ranges have new owners that hold them): the process should exit. */
    record Left() implements Effect {}
}
