package io.kvorum.gossip;

/**
 * A member's status as gossiped: what the member announces about itself (or, for {@link #REMOVED},
 * what an operator recorded). Local suspicion by the failure detector is separate and never gossiped.
 */
public enum Status {
    /** Started and gossiping, but not yet owning its tokens (bootstrapping, Dynamo §4.9). */
    JOINING,
    /** Serving: owns its tokens. */
    UP,
    /** Still serving its tokens while it hands them over before leaving (decommission). */
    LEAVING,
    /**
     * Announced a graceful shutdown (Cassandra's shutdown state): peers treat it as down at once
     * instead of waiting for phi. It still owns its tokens; it is expected back.
     */
    DOWN,
    /**
     * Being removed by an operator while it is dead (Cassandra's removenode): it still owns its
     * tokens, and the nodes that take its ranges over stream them from the surviving replicas.
     * Written by the removing node at a higher generation, like {@link #REMOVED}; never running.
     */
    REMOVING,
    /**
     * Evicted by an explicit operator action, or left for good: a tombstone that keeps a stale
     * copy of the member's state from resurrecting it. Owns no tokens.
     */
    REMOVED;

    /** True when a member with this status owns its tokens on the ring (JOINING tokens are pending; REMOVED none). */
    public boolean ownsTokens() {
        return switch (this) {
            case UP, LEAVING, DOWN, REMOVING -> true;
            case JOINING, REMOVED -> false;
        };
    }

    /** True when the member says it is running (as opposed to announced down or removed). */
    public boolean isRunning() {
        return switch (this) {
            case JOINING, UP, LEAVING -> true;
            case DOWN, REMOVING, REMOVED -> false;
        };
    }
}
