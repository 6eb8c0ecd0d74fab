package io.kvorum.node.message;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.Locale;

/**
 * Why a request got fewer replies than its quorum needed (issue 19): either the deadline passed
 * ({@code timedOut}), or the coordinator gave up before it because the nodes in {@code refusals}
 * could not take part and the rest were too few to make the quorum. {@code refusals} lists every
 * node that failed by then, in the order their failures arrived, each with its reason.
 */
public record Shortfall(boolean timedOut, List<Refusal> refusals) {
    /** One node that could not take part in the request, and why (as it or the transport said). */
    public record Refusal(NodeId node, String reason) {
        /** True when the node's disk refused the write for lack of space (ENOSPC or a quota). */
        public boolean diskFull() {
            return isOutOfSpace(reason);
        }
    }

    public Shortfall {
        refusals = List.copyOf(refusals);
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
