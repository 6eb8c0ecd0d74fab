package io.kvorum.http;

import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The outcome of a PUT or DELETE, mapped to 200 / 400 / 503 by the router. */
public sealed interface WriteResult {
    /**
     * Stored durably on at least {@code w} replicas; {@code context} is the new version's, and
     * {@code replicas} lists the nodes that had acknowledged when the write was answered, in the
     * service's order, each node at most once.
     */
    record Written(Key key, String context, List<Receipt> replicas) implements WriteResult {
        public Written {
            replicas = List.copyOf(replicas);
            Set<NodeId> seen = new HashSet<>(); // lookups only: the order that is rendered is the list's
            for (Receipt receipt : replicas) {
                Invariants.require(seen.add(receipt.node()), "replicas lists %s twice: %s", receipt.node(), replicas);
            }
        }
    }

    /**
     * Fewer than {@code required} replicas acknowledged ({@code acknowledged} had when the service
     * answered); {@code shortfall} says why. The write may still exist on some replicas.
     */
    record Unavailable(int required, int acknowledged, QuorumShortfall shortfall) implements WriteResult {}

    /** The client's context could not be decoded; nothing was written. */
    record InvalidContext(String message) implements WriteResult {}
}
