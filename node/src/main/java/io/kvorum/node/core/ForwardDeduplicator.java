package io.kvorum.node.core;

import io.kvorum.common.NodeId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers which forwarded writes (by sender and request id) this node has already accepted, so a
 * duplicated delivery is not written twice. Bounded: the oldest ids are forgotten first.
 */
final class ForwardDeduplicator {
    private record Id(NodeId from, long requestId) {}

    private final Map<Id, Boolean> seen;

    ForwardDeduplicator(int capacity) {
        this.seen = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Id, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time this id is seen (and records it). */
    boolean firstTime(NodeId from, long requestId) {
        return seen.putIfAbsent(new Id(from, requestId), Boolean.TRUE) == null;
    }
}
