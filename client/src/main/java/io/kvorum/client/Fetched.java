package io.kvorum.client;

import java.util.List;
import java.util.Optional;

/**
 * What a read returned: every live sibling decoded into the caller's type (in the node's
 * deterministic order), and the context covering all of them, which a write passes back to supersede
 * them. A key with no live value has no values, and a context when tombstones were seen, so that a
 * write can follow the delete.
 */
public record Fetched<T>(String key, List<T> values, Optional<String> context) {
    /** Copies the values (which may hold nulls: JSON {@code null} is a value). */
    public Fetched {
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }

    /** Whether the key holds at least one live value. */
    public boolean isFound() {
        return !values.isEmpty();
    }

    /** Whether the key holds concurrent siblings that a write with {@link #context()} should resolve. */
    public boolean isConflict() {
        return values.size() > 1;
    }

    /** The only value; throws when there is none or there are siblings (resolve them first). */
    public T value() {
        if (values.size() != 1) {
            throw new IllegalStateException(values.isEmpty() ? "key " + key + " has no live value"
                    : "key " + key + " has " + values.size() + " siblings; resolve them first");
        }
        return values.get(0);
    }

    /** The context as a string or null, for {@code put(key, value, context)}. */
    public String contextOrNull() {
        return context.orElse(null);
    }
}
