package io.kvorum.node.membership;

import io.kvorum.common.NodeId;
import io.kvorum.ring.Ring;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The cluster as one node sees it: the members, the ring built from them, and which members are
 * believed healthy. Implementations return immutable snapshots; the core reads them on its thread.
 */
public interface Membership {
    /** One member: its id, where to reach it, and how this node sees it. */
    record Member(NodeId id, String internodeAddress, String httpAddress, Status status, OptionalDouble phi) {}

    /** A member's status as api.md names it. */
    enum Status { UP, DOWN, JOINING, LEAVING }

    /** Every known member, in a stable order. */
    List<Member> members();

    /** The current ring snapshot. */
    Ring ring();
}
