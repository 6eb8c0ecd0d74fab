package io.kvorum.http;

import java.util.function.Function;

/** The outcome of parsing one piece of a request: the parsed value, or the error to answer with. */
sealed interface Validated<T> {
    /** The piece was well-formed. */
    record Valid<T>(T value) implements Validated<T> {}

    /** The piece was rejected; nothing may reach the service. */
    record Invalid<T>(ApiError error) implements Validated<T> {}

    static <T> Validated<T> valid(T value) {
        return new Valid<>(value);
    }

    static <T> Validated<T> invalid(ErrorCode code, String message) {
        return new Invalid<>(ApiError.of(code, message));
    }

    static <T> Validated<T> invalid(ApiError error) {
        return new Invalid<>(error);
    }

    /** Applies {@code next} to a valid value; passes an error through unchanged. */
    default <U> Validated<U> then(Function<T, Validated<U>> next) {
        return switch (this) {
            case Valid<T>(T value) -> next.apply(value);
            case Invalid<T>(ApiError error) -> new Invalid<>(error);
        };
    }
}
