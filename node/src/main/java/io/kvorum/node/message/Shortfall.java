package io.kvorum.node.message;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Why a request got fewer replies than its quorum needed (issue 19): either the deadline passed
 * ({@code timedOut}), or the coordinator gave up before it because the nodes in {@code refusals}
 * could not take part and the rest were too few to make the quorum. {@code refusals} lists every
 * node that failed by then, in the order their failures arrived, each with its reason. For a write,
 * {@code stored} says what the coordinator knows of its fate.
 */
public record Shortfall(boolean timedOut, List<Refusal> refusals, Stored stored) {
    /** What became of a failed write, as far as its coordinator knows. */
    public enum Stored {
        /** No version was issued or sent: the write is stored nowhere (too few nodes, an overloaded node). */
        NOTHING,
        /** A version may exist on replicas that took it (the usual case, as in Dynamo). */
        MAYBE,
        /** The node that coordinated it did not answer (a forwarded write that timed out): nothing is known. */
        UNKNOWN
    }

    /** One node that could not take part in the request, and why (as it or the transport said). */
    public record Refusal(NodeId node, String reason) {
        /** True when the node's disk refused the write for lack of space (ENOSPC or a quota). */
        public boolean diskFull() {
            return isOutOfSpace(reason);
        }
    }

    public Shortfall {
        refusals = List.copyOf(refusals);
        Objects.requireNonNull(stored, "stored");
    }

    /** The usual shortfall: whatever was acknowledged may be stored. */
    public Shortfall(boolean timedOut, List<Refusal> refusals) {
        this(timedOut, refusals, Stored.MAYBE);
    }

    /**
     * True when a storage failure's reason is the operating system's "no space left on device" or
     * "disk quota exceeded" (strerror of ENOSPC and EDQUOT, which is all Java reports of them). A
     * reason travels between nodes as text in a replica's failure reply, so the test is on the text.
     */
    public static boolean isOutOfSpace(String reason) {
        String text = reason.toLowerCase(Locale.ROOT);
        return text.contains("no space left on device") || text.contains("disk quota exceeded");
    }
}
