package io.kvorum.gossip;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Optional;

/**
 * Everything gossiped about one member: its generation (bumped on every restart), its heartbeat
 * (bumped by the member every round) and its {@link MemberInfo}.
 *
 * <p>Versioning: the heartbeat and {@code info.version} come from one counter per generation that
 * only grows, so {@code (generation, maxVersion)} totally orders what two nodes know of a member and
 * newer state wins (Cassandra's {@code HeartBeatState} + versioned application states). A higher
 * generation wins outright, whatever its versions: it is the same member after a restart.
 *
 * @param generation the member's incarnation, at least 1; higher means a later restart
 * @param heartbeat the member's version counter at its last heartbeat
 */
public record MemberState(NodeId id, long generation, long heartbeat, MemberInfo info) {
    public MemberState {
        Invariants.require(id != null, "member id must be set");
        Invariants.require(generation >= 1, "generation of %s must be >= 1, got %d", id, generation);
        Invariants.require(heartbeat >= 0, "heartbeat of %s must be >= 0, got %d", id, heartbeat);
        Invariants.require(info != null, "info of %s must be set", id);
    }

    /** The highest version in this state: what a {@link Digest} advertises. */
    public long maxVersion() {
        return Math.max(heartbeat, info.version());
    }

    public Status status() {
        return info.status();
    }

    public Digest digest() {
        return new Digest(id, generation, maxVersion());
    }

    /** True when this state is strictly newer than {@code other} by (generation, maxVersion). */
    public boolean isNewerThan(MemberState other) {
        return digest().compareVersion(other.digest()) > 0;
    }

    public MemberState withHeartbeat(long newHeartbeat) {
        return new MemberState(id, generation, newHeartbeat, info);
    }

    public MemberState withInfo(MemberInfo newInfo) {
        return new MemberState(id, generation, heartbeat, newInfo);
    }

    /** This whole state as an update: what a node that knows an older generation (or nothing) needs. */
    public MemberUpdate toUpdate() {
        return new MemberUpdate(id, generation, heartbeat, Optional.of(info));
    }

    /**
     * What a node that knows {@code known} of this member lacks: the whole state for an older
     * generation, else only the parts whose version is above {@code known.maxVersion}; empty when it
     * lacks nothing (or knows a newer generation).
     */
    public Optional<MemberUpdate> deltaSince(Digest known) {
        Invariants.check(known.id().equals(id), "digest of %s used for %s", known.id(), id);
        if (known.generation() < generation) {
            return Optional.of(toUpdate());
        }
        if (known.generation() > generation || known.maxVersion() >= maxVersion()) {
            return Optional.empty();
        }
        Optional<MemberInfo> newerInfo = info.version() > known.maxVersion() ? Optional.of(info) : Optional.empty();
        return Optional.of(new MemberUpdate(id, generation, heartbeat, newerInfo));
    }
}
