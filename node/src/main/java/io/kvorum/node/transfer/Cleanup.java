package io.kvorum.node.transfer;

import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import java.util.List;
import java.util.function.Supplier;

/**
 * After a membership change, drops the keys of ranges this node no longer replicates, once the new
 * owners hold them (the change is over) and the ring has stayed the same for {@code delayMillis}:
 * Cassandra's {@code nodetool cleanup}, run by itself. Armed only by a change this node saw end, so
 * a node that has just started (whose ring may not have converged) never drops anything.
 */
final class Cleanup {
    private static final int PURGE_BATCH_KEYS = 10_000;

    private final NodeId self;
    private final long delayMillis;
    private final Outbox outbox;
    private final CoreMetrics metrics;
    private long dueMillis = -1;
    private boolean purging;
    private long purged;

    Cleanup(NodeId self, long delayMillis, Outbox outbox, CoreMetrics metrics) {
        this.self = self;
        this.delayMillis = delayMillis;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /** A change just ended: clean up once the ring has been stable long enough. */
    void changeEnded() {
        dueMillis = outbox.nowMillis() + delayMillis;
    }

    /** A change is in flight: the ring is not stable, and nothing is dropped meanwhile. */
    void changeInFlight() {
        dueMillis = -1;
    }

    /** A tick without a change in flight; {@code replicated} are the ranges this node keeps. */
    void onTick(Supplier<List<TokenRange>> replicatedNow) {
        if (dueMillis < 0 || outbox.nowMillis() < dueMillis || purging) {
            return;
        }
        List<TokenRange> replicated = replicatedNow.get();
        if (replicated.isEmpty()) {
            return;
        }
        dueMillis = -1;
        purged = 0;
        purgeNext(List.copyOf(replicated));
    }

    private void purgeNext(List<TokenRange> keep) {
        purging = true;
        outbox.storage(new StorageOp.Purge(keep, PURGE_BATCH_KEYS), result -> {
            purging = false;
            int dropped = result instanceof StorageResult.Merged merged ? merged.changed() : 0;
            purged += dropped;
            metrics.keysPurged(dropped);
            if (dropped > 0 && dueMillis < 0) {
                purgeNext(keep); // more to drop, and no new change armed or started meanwhile
            } else if (purged > 0) {
                metrics.transferEvent(self + " cleanup dropped " + purged + " keys of ranges it no longer replicates");
            }
        });
    }
}
