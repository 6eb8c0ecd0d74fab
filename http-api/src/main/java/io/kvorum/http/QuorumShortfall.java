package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.Objects;

/**
 * Why a read or write got fewer replicas than it needed, as the service saw it: the deadline passed
 * ({@code timedOut}), or the coordinator gave up before it because the nodes in {@code refusals}
 * could not take part and the others were too few. The router words the 503 (or 507) from it.
 */
public record QuorumShortfall(boolean timedOut, List<Refusal> refusals, Stored stored) {
    /** One node that could not take part, why, and whether the reason was its full disk. */
    public record Refusal(NodeId node, String reason, boolean diskFull) {}

    /** What became of a failed write, as far as its coordinator knows (worded in the message). */
    public enum Stored {
        /** No version was issued or sent: stored nowhere. */
        NOTHING,
        /** Possibly stored on replicas that took it. */
        MAYBE,
        /** The coordinating node did not answer: unknown. */
        UNKNOWN
    }

    public QuorumShortfall {
        refusals = List.copyOf(refusals);
        Objects.requireNonNull(stored, "stored");
    }

    /** The usual shortfall: whatever was acknowledged may be stored. */
    public QuorumShortfall(boolean timedOut, List<Refusal> refusals) {
        this(timedOut, refusals, Stored.MAYBE);
    }

    /** The coordinator gave up early and every node that refused did so for lack of disk space: nothing more can be stored. */
    public boolean diskFull() {
        return !timedOut && !refusals.isEmpty() && refusals.stream().allMatch(Refusal::diskFull);
    }
}
