package io.kvorum.storage.version;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Comparator;

/**
 * The issuer of dots: a node in one <em>epoch</em> (one run of its process).
 *
 * <p>Why an epoch: a dot must never be issued twice for different writes, or peers would take a new
 * write for one they had already seen and superseded. Within a run, {@link DotIssuer} guarantees
 * that; its floor is kept in memory, so each start of the process is a new actor (Riak's vnode
 * epochs serve the same purpose). The cost is one more clock entry per restart on keys written
 * after it, which pruning bounds.
 */
public record Actor(NodeId node, long epoch) implements Comparable<Actor> {
    private static final Comparator<Actor> ORDER =
            Comparator.comparing(Actor::node).thenComparingLong(Actor::epoch);

    public Actor {
        Invariants.require(node != null, "actor node is null");
        Invariants.require(epoch >= 0, "actor epoch must be >= 0, got %d", epoch);
    }

    @Override
    public int compareTo(Actor other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return node + "#" + epoch;
    }
}
