package io.kvorum.client;

/**
 * A value as its exact JSON text, neither parsed nor re-encoded: {@code put} sends it as is, and
 * {@code get(key, RawJson.class)} returns each sibling byte for byte as the node stored it. For
 * callers that hold JSON text already, or pass values through (a proxy, a benchmark).
 */
public record RawJson(String json) {
    /**
     * Requires text. {@code put} checks that it is exactly one JSON value (an
     * {@link IllegalArgumentException} otherwise), as it is spliced into the request body as is.
     */
    public RawJson {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("raw JSON must not be empty");
        }
    }

    @Override
    public String toString() {
        return json;
    }
}
