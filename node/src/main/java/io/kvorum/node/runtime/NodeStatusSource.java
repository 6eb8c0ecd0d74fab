package io.kvorum.node.runtime;

import io.kvorum.common.NodeId;
import io.kvorum.http.NodeStatus;
import io.kvorum.node.core.Clock;
import io.kvorum.node.protocol.RangeSync;
import io.kvorum.node.membership.Membership;
import io.kvorum.storage.hint.Hints;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Gathers a node's own figures for {@code GET /node/status} from the sources that are safe to read
 * from any thread: the engine's key count, the thread-safe hint store, the anti-entropy snapshot the
 * core publishes through {@link RuntimeMetrics}, and the membership's immutable member list.
 */
record NodeStatusSource(NodeId self, Membership membership, LongSupplier keys, Hints hints, RuntimeMetrics metrics, Clock clock,
                        boolean antiEntropyEnabled) {
    NodeStatus status() {
        Membership.Member me = membership.members().stream().filter(m -> m.id().equals(self)).findFirst().orElse(null);
        List<NodeStatus.HintQueue> queues = new ArrayList<>();
        for (NodeId owner : hints.owners()) {
            int pending = hints.count(owner);
            if (pending > 0) {
                queues.add(new NodeStatus.HintQueue(owner, pending));
            }
        }
        long now = clock.monotonicMillis();
        List<NodeStatus.RangeSync> ranges = new ArrayList<>();
        for (RangeSync sync : metrics.antiEntropySyncs()) {
            ranges.add(new NodeStatus.RangeSync(sync.peer(), sync.range().startExclusive(), sync.range().endInclusive(),
                    Math.max(0, now - sync.lastInSyncMillis()), sync.syncedSinceStart()));
        }
        return new NodeStatus(self, me == null ? "" : me.httpAddress(), me == null ? "" : me.internodeAddress(), keys.getAsLong(),
                queues, new NodeStatus.AntiEntropyStatus(antiEntropyEnabled, ranges));
    }
}
