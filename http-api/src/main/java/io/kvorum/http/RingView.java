package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.List;

/**
 * The ring as {@code GET /cluster/ring} shows it: each owner's share of the token space, and (for
 * {@code ?tokens=true}) its vnode tokens and the partitioner's name, from which a client computes
 * every key's preference list exactly as the node does.
 */
public record RingView(int vnodesPerNode, int n, String partitioner, List<Owner> owners) {
    public RingView {
        owners = List.copyOf(owners);
    }

    /** One physical node, the fraction (0..1) of the ring it is the primary owner of, and its tokens (ascending). */
    public record Owner(NodeId id, double share, List<Long> tokens) {
        public Owner {
            tokens = List.copyOf(tokens);
        }
    }
}
