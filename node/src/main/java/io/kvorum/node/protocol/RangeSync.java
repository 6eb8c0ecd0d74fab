package io.kvorum.node.protocol;

import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;

/**
 * When anti-entropy last found this node and {@code peer} identical over {@code range}, in the core's
 * monotonic milliseconds; {@code syncedSinceStart} is false while they have not been since this node
 * started (then {@code lastInSyncMillis} is when it started comparing).
 */
public record RangeSync(NodeId peer, TokenRange range, long lastInSyncMillis, boolean syncedSinceStart) {}
