package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;

/** A seed from configuration: a member every node contacts to join and, now and then, to heal partitions. */
public record Seed(NodeId id, String internodeAddress) {
    public Seed {
        Invariants.require(id != null, "seed id must be set");
        MemberInfo.requireAddress(internodeAddress, "seed internode address");
    }
}
