package io.kvorum.storage.version;

import io.kvorum.common.Invariants;
import java.util.Optional;

/**
 * The bounds on one key's state that a coordinator enforces before it stores a write: how many
 * siblings (tombstones included) and how many encoded bytes ({@link VersionCodec#encodedBytesBound}).
 *
 * <p>Design note. Every concurrent write must survive as a sibling, so a key written blind again
 * and again grows without end, and past the internode frame size it can be neither read nor
 * repaired (Riak's sibling explosion, basho/riak#1120; riak_kv#1648). The bound is applied where a
 * write is admitted, never where states merge: a merge that dropped a sibling would lose an
 * acknowledged write. So {@link #check} compares the coordinator's state before and after the write
 * and refuses only a write that takes a measure past its limit <em>and</em> makes it larger than it
 * was. A write whose context covers siblings (a resolution) never adds one, and one that covers
 * them all leaves a single value, which always fits (the configuration requires
 * {@code storage.key-bytes-max} to hold the largest value): a key at its limit can always be
 * brought back. Replicas may hold more than the limit when writes admitted by different
 * coordinators meet, at most one limit's worth per coordinator; the frame size is validated against
 * that (see {@code KvorumConfig}).
 *
 * @param siblingsMax most siblings a write may leave on its coordinator ({@code storage.siblings-max})
 * @param bytesMax most encoded bytes a write may leave there ({@code storage.key-bytes-max})
 */
public record KeyLimits(int siblingsMax, long bytesMax) {
    /** No practical bound (for tests and tools that need none). */
    public static final KeyLimits NONE = new KeyLimits(Integer.MAX_VALUE, Long.MAX_VALUE);

    public KeyLimits {
        Invariants.require(siblingsMax >= 1, "storage.siblings-max must be >= 1, got %d", siblingsMax);
        Invariants.require(bytesMax >= 1, "storage.key-bytes-max must be >= 1, got %d", bytesMax);
    }

    /** Which bound a write would break. */
    public enum Limit {
        /** {@code storage.siblings-max}. */
        SIBLINGS,
        /** {@code storage.key-bytes-max}. */
        BYTES
    }

    /** A refused write: it would have left {@code actual} (siblings or bytes) where {@code max} is allowed. */
    public record Exceeded(Limit limit, long actual, long max) {
        public Exceeded {
            Invariants.require(limit != null, "limit must be present");
            Invariants.require(actual > max, "a limit exceeded by %d of %d is not exceeded", actual, max);
        }
    }

    /** The limit that the change from {@code before} to {@code after} breaks, if any (see the design note). */
    public Optional<Exceeded> check(Siblings before, Siblings after) {
        int siblings = after.siblings().size();
        if (siblings > siblingsMax && siblings > before.siblings().size()) {
            return Optional.of(new Exceeded(Limit.SIBLINGS, siblings, siblingsMax));
        }
        if (bytesMax == Long.MAX_VALUE) {
            return Optional.empty();
        }
        long bytes = VersionCodec.encodedBytesBound(after);
        if (bytes > bytesMax && bytes > VersionCodec.encodedBytesBound(before)) {
            return Optional.of(new Exceeded(Limit.BYTES, bytes, bytesMax));
        }
        return Optional.empty();
    }

    /** The limit whose half the state has crossed, if any: worth a warning before writes are refused. */
    public Optional<Limit> pastHalf(Siblings state) {
        if (state.siblings().size() > siblingsMax / 2) {
            return Optional.of(Limit.SIBLINGS);
        }
        if (bytesMax != Long.MAX_VALUE && VersionCodec.encodedBytesBound(state) > bytesMax / 2) {
            return Optional.of(Limit.BYTES);
        }
        return Optional.empty();
    }
}
