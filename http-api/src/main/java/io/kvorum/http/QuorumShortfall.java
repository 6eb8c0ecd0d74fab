package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.List;

/**
 * Why a read or write got fewer replicas than it needed, as the service saw it: the deadline passed
 * ({@code timedOut}), or the coordinator gave up before it because the nodes in {@code refusals}
 * could not take part and the others were too few. The router words the 503 (or 507) from it.
 */
public record QuorumShortfall(boolean timedOut, List<Refusal> refusals) {
    /** One node that could not take part, why, and whether the reason was its full disk. */
    public record Refusal(NodeId node, String reason, boolean diskFull) {}

    public QuorumShortfall {
        refusals = List.copyOf(refusals);
    }

    /** The coordinator gave up early and every node that refused did so for lack of disk space: nothing more can be stored. */
    public boolean diskFull() {
        return !timedOut && !refusals.isEmpty() && refusals.stream().allMatch(Refusal::diskFull);
    }
}
