package io.kvorum.http;

import io.kvorum.common.Invariants;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * An error body before rendering: {@code {"error": code, "message": sentence}} plus api.md's extra
 * fields (numbers or strings) in insertion order.
 */
record ApiError(ErrorCode code, String message, SequencedMap<String, Object> extra) {
    ApiError {
        extra = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(extra));
        for (Object value : extra.values()) {
            Invariants.check(value instanceof String || value instanceof Integer
                    || value instanceof Long, "error extras are strings or integers, got %s", value);
        }
    }

    static ApiError of(ErrorCode code, String message) {
        return new ApiError(code, message, new LinkedHashMap<>());
    }

    /** This error with one more extra field. */
    ApiError with(String name, Object value) {
        SequencedMap<String, Object> more = new LinkedHashMap<>(extra);
        more.put(name, value);
        return new ApiError(code, message, more);
    }
}
