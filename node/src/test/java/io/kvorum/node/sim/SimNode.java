package io.kvorum.node.sim;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.membership.GossipMembership;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.MemoryHintStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One simulated node: its core (replaced on every restart), its disk (engine and hint store), its
 * clock offset, and whether it is up, crashed or paused. A disk synced on every write survives a
 * crash whole; a {@code lossy} one (the {@code interval} sync policy) is synced every so often and
 * a crash takes it back to its last sync, losing the writes it acknowledged since.
 */
final class SimNode {
    final NodeId id;
    final boolean lossy;
    MemoryEngine disk;
    MemoryHintStore hints;
    /** What a lossy disk holds durably: copies taken at its last sync. */
    MemoryEngine syncedDisk;
    MemoryHintStore syncedHints;
    final long clockOffsetMillis;
    NodeCore core;
    GossipMembership membership;
    /** The ring tokens this node owns, as its data directory would keep them across restarts. */
    List<Long> tokens;
    /** False while this node still receives the ranges of its join (its data directory's tokens file says so). */
    boolean joined = true;
    /** The transfer progress its data directory would keep across restarts. */
    io.kvorum.node.transfer.TransferProgress transferProgress;
    /** Answers to operators' leave and remove requests, in order. */
    final List<io.kvorum.node.membership.Membership.ChangeRequest> adminReplies = new ArrayList<>();
    /** Set once it has left the cluster: its process would have exited. */
    boolean left;
    /** Stopped for good (left, or killed for an operator to remove or replace): never restarted. */
    boolean gone;
    /** Whether it is in the configured bootstrap list (false: it joined through seeds). */
    boolean bootstrapMember = true;
    /** The dead member it was started to replace ({@code cluster.replace}), if any. */
    java.util.Optional<NodeId> replacing = java.util.Optional.empty();
    /** Callbacks of operators' requests waiting for their {@code AdminReply}, by request id. */
    final Map<Long, Consumer<io.kvorum.node.membership.Membership.ChangeRequest>> admins = new TreeMap<>();
    long epoch;
    int incarnation;
    boolean up = true;
    boolean paused;
    /** Events that arrived while paused, replayed in order on resume. */
    final List<Runnable> deferred = new ArrayList<>();
    final Map<Long, Consumer<ReadOutcome>> reads = new TreeMap<>();
    final Map<Long, Consumer<WriteOutcome>> writes = new TreeMap<>();
    final Map<Long, Consumer<PatchOutcome>> patches = new TreeMap<>();
    /** The key of each client write (or PATCH) waiting for its answer, for the invariant checks. */
    final Map<Long, Key> writeKeys = new TreeMap<>();
    long nextClientRequestId = 1;

    SimNode(NodeId id, MemoryEngine disk, MemoryHintStore hints, boolean lossy, long clockOffsetMillis) {
        this.id = id;
        this.disk = disk;
        this.hints = hints;
        this.lossy = lossy;
        this.clockOffsetMillis = clockOffsetMillis;
        sync();
    }

    /** A lossy disk's sync: what it holds now becomes what survives a crash. */
    void sync() {
        if (lossy) {
            syncedDisk = disk.copy();
            syncedHints = hints.copy();
        }
    }

    /** A crash: a lossy disk forgets everything written since its last sync. */
    void loseUnsynced() {
        if (lossy) {
            disk = syncedDisk.copy();
            hints = syncedHints.copy();
        }
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
