package io.kvorum.storage.version;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Comparator;

/**
 * The issuer of dots: a node in one <em>epoch</em>.
 *
 * <p>Why an epoch: a dot must never be issued twice for different writes. A node issues the next
 * dot of a key from its own stored state, so if it loses data it stored (an in-memory engine after
 * a restart, or an unsynced tail after a crash) it could reissue a dot its peers already hold, and
 * they would treat a new write as already seen: a silently lost write. A node whose local state may
 * have lost dots starts a new epoch, which is a new actor (Riak's per-vnode epoch, for the same reason).
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
