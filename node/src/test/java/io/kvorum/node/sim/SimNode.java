package io.kvorum.node.sim;

import io.kvorum.common.NodeId;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.core.ReadOutcome;
import io.kvorum.node.core.WriteOutcome;
import io.kvorum.storage.engine.MemoryEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One simulated node: its core (replaced on every restart), its disk (which survives restarts, as
 * a disk synced on every write does), its clock offset, and whether it is up, crashed or paused.
 */
final class SimNode {
    final NodeId id;
    final MemoryEngine disk;
    final long clockOffsetMillis;
    NodeCore core;
    io.kvorum.node.membership.GossipMembership membership;
    /** The ring tokens this node owns, as its data directory would keep them across restarts. */
    java.util.List<Long> tokens;
    long epoch;
    int incarnation;
    boolean up = true;
    boolean paused;
    /** Events that arrived while paused, replayed in order on resume. */
    final List<Runnable> deferred = new ArrayList<>();
    final Map<Long, Consumer<ReadOutcome>> reads = new TreeMap<>();
    final Map<Long, Consumer<WriteOutcome>> writes = new TreeMap<>();
    long nextClientRequestId = 1;

    SimNode(NodeId id, MemoryEngine disk, long clockOffsetMillis) {
        this.id = id;
        this.disk = disk;
        this.clockOffsetMillis = clockOffsetMillis;
    }

    /** This node's monotonic clock at simulated time {@code nowMillis} (skewed by its offset). */
    long monotonicMillis(long nowMillis) {
        return nowMillis + clockOffsetMillis;
    }

    /** This node's wall clock: an arbitrary epoch plus its skewed monotonic time. */
    long wallMillis(long nowMillis) {
        return 1_700_000_000_000L + monotonicMillis(nowMillis);
    }
}
