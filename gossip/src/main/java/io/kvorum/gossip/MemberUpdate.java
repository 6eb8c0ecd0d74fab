package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Optional;

/**
 * A delta of one member's state on the wire: generation and heartbeat always, the
 * {@link MemberInfo} only when the receiver lacks it (see {@link MemberState#deltaSince}).
 */
public record MemberUpdate(NodeId id, long generation, long heartbeat, Optional<MemberInfo> info) {
    public MemberUpdate {
        Invariants.require(id != null, "update id must be set");
        Invariants.require(generation >= 1, "update generation of %s must be >= 1, got %d", id, generation);
        Invariants.require(heartbeat >= 0, "update heartbeat of %s must be >= 0, got %d", id, heartbeat);
        Invariants.require(info != null, "update info of %s must be an Optional", id);
    }

    /**
     * The state after applying this update to {@code current}, or empty when the update brings
     * nothing newer. Newer state wins: a higher generation replaces the state whole (and needs the
     * info: a bare heartbeat of an unknown generation cannot stand alone, so it is ignored); within the
     * same generation the heartbeat and the info each keep the newer version.
     */
    public Optional<MemberState> applyTo(Optional<MemberState> current) {
        if (current.isEmpty() || current.get().generation() < generation) {
            return info.map(i -> new MemberState(id, generation, heartbeat, i));
        }
        MemberState state = current.get();
        Invariants.check(state.id().equals(id), "update of %s applied to %s", id, state.id());
        if (state.generation() > generation) {
            return Optional.empty();
        }
        boolean newerHeartbeat = heartbeat > state.heartbeat();
        boolean newerInfo = info.isPresent() && info.get().version() > state.info().version();
        if (!newerHeartbeat && !newerInfo) {
            return Optional.empty();
        }
        return Optional.of(new MemberState(id, generation,
                Math.max(heartbeat, state.heartbeat()), newerInfo ? info.get() : state.info()));
    }
}
