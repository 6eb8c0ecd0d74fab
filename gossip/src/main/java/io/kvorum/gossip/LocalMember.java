package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.List;

/**
 * Who this node is when it starts gossiping.
 *
 * @param generation bumped by the driver on every restart (persisted, or the boot time in seconds as
 *        Cassandra does), so peers recognise the same member in a new incarnation; at least 1
 * @param status {@link Status#JOINING} for a new node that still has to take over its ranges,
 *        {@link Status#UP} for a restart of a member that owns them
 */
public record LocalMember(NodeId id, String internodeAddress, String httpAddress, List<Long> tokens,
                          long generation, Status status) {
    public LocalMember {
        Invariants.require(id != null, "local member id must be set");
        MemberInfo.requireAddress(internodeAddress, "local internode address");
        MemberInfo.requireAddress(httpAddress, "local http address");
        Invariants.require(tokens != null, "local tokens must be set");
        tokens = List.copyOf(tokens);
        Invariants.require(generation >= 1, "local generation must be >= 1, got %d", generation);
        Invariants.require(status != null && status.isRunning(),
                "a node starts JOINING, UP or LEAVING, got %s", status);
    }
}
