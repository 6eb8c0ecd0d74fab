package io.kvorum.gossip;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One member as this node sees it now: the gossiped state combined with local suspicion; what
 * {@code /cluster/members} shows.
 *
 * @param status the local status: {@link Status#DOWN} when suspected, else the gossiped one
 * @param alive whether the coordinator may count on it (see {@link GossipProtocol#isAlive})
 * @param phi the failure detector's suspicion level; empty for this node itself and unmonitored members
 */
public record MemberView(NodeId id, String internodeAddress, String httpAddress, Status status, boolean alive,
                         OptionalDouble phi, long generation, List<Long> tokens) {
    public MemberView {
        tokens = List.copyOf(tokens);
    }
}
