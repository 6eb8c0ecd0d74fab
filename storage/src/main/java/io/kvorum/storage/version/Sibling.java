package io.kvorum.storage.version;

import io.kvorum.common.Bytes;
import io.kvorum.common.Invariants;

/**
 * One version of a key: the value written at {@code dot} (the exact JSON text), or a tombstone.
 * {@code wallMillis} is the coordinator's wall time at the write, kept for tombstone expiry and operators.
 */
public record Sibling(Dot dot, boolean tombstone, Bytes value, long wallMillis) implements Comparable<Sibling> {
    public Sibling {
        Invariants.require(dot != null && value != null, "sibling dot and value must be present");
        Invariants.require(!tombstone || value.length() == 0, "a tombstone carries no value, got %d bytes", value.length());
    }

    public static Sibling value(Dot dot, Bytes value, long wallMillis) {
        return new Sibling(dot, false, value, wallMillis);
    }

    public static Sibling tombstone(Dot dot, long wallMillis) {
        return new Sibling(dot, true, Bytes.EMPTY, wallMillis);
    }

    /** Siblings sort by dot: a deterministic order, stable for equal state (api.md's {@code values} order). */
    @Override
    public int compareTo(Sibling other) {
        return dot.compareTo(other.dot);
    }
}
