package io.kvorum.client;

import java.util.List;

/**
 * A PATCH found no one value to patch (409 {@code conflict}): the key holds several siblings, or it
 * changed since the context the PATCH carried. Nothing was stored. {@link #values()} are the live
 * siblings' exact JSON and {@link #context()} covers everything the node's read saw: merge the
 * values and {@code put} the result with that context (or patch again with it).
 */
public final class ConflictException extends KvorumException {
    private final List<RawJson> values;
    private final String context;

    ConflictException(String message, List<RawJson> values, String context) {
        super("409 conflict: " + message, null);
        this.values = List.copyOf(values);
        this.context = context;
    }

    /** The key's live siblings, as the node returned them (empty when it has none). */
    public List<RawJson> values() {
        return values;
    }

    /** The context covering every version the PATCH's read saw. */
    public String context() {
        return context;
    }
}
