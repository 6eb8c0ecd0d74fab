package io.kvorum.node.membership;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.ring.Ring;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The cluster as one node sees it: the members, the ring built from them, and which members are
 * believed healthy. Owned by the node's core (one thread); {@link #members} and {@link #ring}
 * return immutable snapshots. A static view ignores ticks and gossip; the gossip view is driven by them.
 */
public interface Membership {
    /** One member: its id, where to reach it, and how this node sees it. */
    record Member(NodeId id, String internodeAddress, String httpAddress, Status status, OptionalDouble phi) {}

    /** A member's status as api.md names it. */
    enum Status { UP, DOWN, JOINING, LEAVING }

    /**
     * What a membership step asks the node to do: gossip to send, tokens this node just took (to
     * persist), members it has just started to suspect (whose connections should be dropped), and
     * the changes to log.
     */
    record Step(List<Outgoing> sends, Optional<TokensTaken> tokensTaken, List<NodeId> suspected, List<MembershipEvent> events,
                boolean left) {
        public static final Step NONE = new Step(List.of(), Optional.empty(), List.of(), List.of(), false);

        public Step {
            sends = List.copyOf(sends);
            suspected = List.copyOf(suspected);
            events = List.copyOf(events);
        }
    }

    /** Tokens this node owns or is joining with; {@code joined} false while its ranges still stream in. */
    record TokensTaken(List<Long> tokens, boolean joined) {
        public TokensTaken {
            tokens = List.copyOf(tokens);
        }
    }

    /** The answer to an operator's leave or remove: accepted with its step, or refused with an api.md error code. */
    record ChangeRequest(Optional<String> refusal, String message, Step step) {
        static ChangeRequest refused(String code, String message) {
            return new ChangeRequest(Optional.of(code), message, Step.NONE);
        }

        static ChangeRequest accepted(String message, Step step) {
            return new ChangeRequest(Optional.empty(), message, step);
        }
    }

    /** One gossip message for one member. */
    record Outgoing(NodeId to, GossipMessage message) {}

    /** Every known member, in a stable order. */
    List<Member> members();

    /** The current ring snapshot. */
    Ring ring();

    /** Whether the coordinator should count on {@code id} answering (false: fail its requests at once). */
    default boolean isAlive(NodeId id) {
        return true;
    }

    /** Where to reach {@code id}'s internode port ("host:port"), if known. */
    default Optional<String> internodeAddress(NodeId id) {
        return members().stream().filter(m -> m.id().equals(id)).map(Member::internodeAddress).findFirst();
    }

    /** A gossip round is due. */
    default Step tick(long nowMillis) {
        return Step.NONE;
    }

    /** A gossip message arrived from {@code from}. */
    default Step receive(NodeId from, GossipMessage message, long nowMillis) {
        return Step.NONE;
    }

    /** This node is shutting down: tell the others so they stop counting on it at once. */
    default Step shutdown(long nowMillis) {
        return Step.NONE;
    }

    /** Members that have left the ring for good (left, removed or replaced): hints kept for them must be re-homed. */
    default List<NodeId> departed() {
        return List.of();
    }

    /** The membership change in flight, if any. */
    default Optional<ChangePlan> plan() {
        return Optional.empty();
    }

    /** True when every live member announces it sees plan {@code planId}: writes of every coordinator reach its new owners. */
    default boolean seenByAllLive(long planId) {
        return true;
    }

    /** This node has received every range it gains under plan {@code planId}. */
    default Step streamed(long planId, long nowMillis) {
        return Step.NONE;
    }

    /** An operator asks this node to leave the cluster (decommission). */
    default ChangeRequest leave(long nowMillis) {
        return ChangeRequest.refused("not_supported", "this node's membership is static");
    }

    /** An operator asks to remove the dead member {@code id} for good. */
    default ChangeRequest remove(NodeId id, long nowMillis) {
        return ChangeRequest.refused("not_supported", "this node's membership is static");
    }
}
