package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.List;

/**
 * What one node reports about itself for {@code GET /node/status}: the keys it stores, the hints it
 * holds for each target, and how long ago each (peer, range) pair of anti-entropy was last in sync.
 *
 * @param http       the HTTP address the node advertises to clients
 * @param internode  the address its peers reach it on
 * @param keys       keys in its storage engine (tombstones included, hints not)
 * @param hints      one entry per target it holds hints for, sorted by target
 * @param antiEntropy its anti-entropy state
 */
public record NodeStatus(NodeId node, String http, String internode, long keys, List<HintQueue> hints,
                         AntiEntropyStatus antiEntropy) {
    public NodeStatus {
        hints = List.copyOf(hints);
    }

    /** Hints waiting here for {@code target} (the replica they were meant for). */
    public record HintQueue(NodeId target, long pending) {}

    /** Whether anti-entropy runs, and every (peer, range) pair it compares. */
    public record AntiEntropyStatus(boolean enabled, List<RangeSync> ranges) {
        public AntiEntropyStatus {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * One (peer, token range) pair. {@code ageMillis} is how long ago the two trees were last found
     * identical; when {@code syncedSinceStart} is false they have not been since this node started,
     * and the age counts from its first attempt.
     */
    public record RangeSync(NodeId peer, long startExclusive, long endInclusive, long ageMillis, boolean syncedSinceStart) {}
}
