package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.List;

/** The ring as {@code GET /cluster/ring} shows it: each owner's share of the token space. */
public record RingView(int vnodesPerNode, int n, List<Owner> owners) {
    public RingView {
        owners = List.copyOf(owners);
    }

    /** One physical node and the fraction (0..1) of the ring it is the primary owner of. */
    public record Owner(NodeId id, double share) {}
}
