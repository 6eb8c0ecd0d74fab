package io.kvorum.node.membership;

import io.kvorum.common.NodeId;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A change in the cluster's life as this node saw it, for the node's log (issue 19), like
 * Cassandra's "is now DOWN" lines: decided here, in pure code, and logged by the runtime.
 *
 * @param phi the failure detector's phi of the member right after the change, when it watches it
 * @param generation the member's generation (bumped by each of its restarts) after the change
 * @param previousGeneration for {@link Kind#RESTARTED}, the generation before; else the same as {@code generation}
 * @param tokens how many ring tokens the member owns after the change
 */
public record MembershipEvent(NodeId member, Kind kind, OptionalDouble phi, long generation, long previousGeneration,
                              int tokens) {
    /** What happened to the member. */
    public enum Kind {
        /** First heard of, already up (at start-up: every other member; later: a node that joined). */
        DISCOVERED,
        /** First heard of while it is still joining (it has no tokens yet). */
        JOINING,
        /** A joining member took its tokens and is up. */
        JOINED,
        /** The failure detector convicted it: phi passed the threshold. */
        DOWN,
        /** A suspected member's heartbeats came back. */
        UP,
        /** It announced a clean shutdown. */
        STOPPED,
        /** It came back with a higher generation: the same member after a restart. */
        RESTARTED,
        /** It started to leave: its ranges stream to their new owners. */
        LEAVING,
        /** An operator started to remove it (it is dead): its ranges stream from the surviving replicas. */
        REMOVING,
        /** An operator removed it for good, or it left. */
        REMOVED
    }

    /** The log line's text, e.g. {@code node-3 is now DOWN (phi 8.41)}. */
    public String describe() {
        String id = member.value();
        return switch (kind) {
            case DISCOVERED -> id + " is UP (first heard of, generation " + generation + ", " + tokens + " tokens)";
            case JOINING -> id + " is joining the cluster (generation " + generation + ")";
            case JOINED -> id + " joined the cluster and is now UP with " + tokens + " tokens";
            case DOWN -> id + " is now DOWN (" + phiText() + ")";
            case UP -> id + " is now UP (" + phiText() + ")";
            case STOPPED -> id + " is now DOWN (it announced a clean shutdown)";
            case RESTARTED -> id + " restarted with a new generation " + generation + " (was " + previousGeneration + ")";
            case LEAVING -> id + " is leaving the cluster: its ranges stream to their new owners";
            case REMOVING -> id + " is being removed from the cluster: its ranges stream from the surviving replicas";
            case REMOVED -> id + " left the cluster or was removed";
        };
    }

    private String phiText() {
        if (phi.isEmpty()) {
            return "phi unknown";
        }
        double value = phi.getAsDouble();
        return Double.isFinite(value) ? String.format(Locale.ROOT, "phi %.2f", value) : "phi infinite";
    }
}
