package io.kvorum.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How one kind of setting is parsed from text (flags, env) or a file node, range-checked and
 * printed back. Parsing failures throw {@link ValueProblem}; {@link ConfigKey} adds the key and source.
 */
interface ValueType<T> {
    /** Parses one textual value; throws {@link ValueProblem} describing what is wrong with it. */
    T parse(String text);

    /** Parses a value from the config file: scalars go through {@link #parse(String)}; lists only where a type accepts them. */
    default T parse(JsonNode node) {
        if (node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            throw new ValueProblem("has no value");
        }
        if (!node.isValueNode()) {
            throw new ValueProblem("expected a single value, got a " + (node.isArray() ? "list" : "map"));
        }
        return parse(node.asText());
    }

    /** Whether a parsed (or programmatically built) value lies in this type's static range. */
    default boolean inRange(T value) {
        return true;
    }

    /** The allowed values, for messages and the configuration reference (for example {@code 0..65535}). */
    String allowed();

    /** Prints a value in the notation the settings accept (for example {@code 2s}, {@code 1MiB}). */
    default String format(T value) {
        return String.valueOf(value);
    }
}
