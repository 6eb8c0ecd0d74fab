package io.kvorum.http;

import io.kvorum.common.Utf8;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.SequencedMap;

/**
 * The decoded query string ({@code application/x-www-form-urlencoded}: {@code +} is a space) and the
 * typed parameters of api.md. Parameters a route does not use are ignored, duplicates included; a
 * parameter the route uses must appear at most once.
 */
record QueryParameters(SequencedMap<String, List<String>> values) {
    static final String TIMEOUT_MILLIS = "timeout_ms";
    static final String SLOPPY = "sloppy";
    static final String TOKENS = "tokens";

    QueryParameters {
        SequencedMap<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
        values = Collections.unmodifiableSequencedMap(copy);
    }

    /** Parses a raw query (null when the URI has none); a malformed escape rejects the whole query. */
    static Validated<QueryParameters> parse(String rawQuery) {
        SequencedMap<String, List<String>> values = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Validated.valid(new QueryParameters(values));
        }
        for (String piece : rawQuery.split("&", -1)) {
            if (piece.isEmpty()) {
                continue;
            }
            int equals = piece.indexOf('=');
            Optional<String> name = formDecode(equals < 0 ? piece : piece.substring(0, equals));
            Optional<String> value = formDecode(equals < 0 ? "" : piece.substring(equals + 1));
            if (name.isEmpty() || value.isEmpty()) {
                return Validated.invalid(ErrorCode.INVALID_PARAMETER,
                        "the query string is not valid percent-encoded UTF-8");
            }
            values.computeIfAbsent(name.get(), n -> new ArrayList<>()).add(value.get());
        }
        return Validated.valid(new QueryParameters(values));
    }

    /**
     * A consistency level ({@code r} or {@code w}): 1..N, {@code one}, {@code quorum} (⌊N/2⌋+1) or
     * {@code all}; empty when absent so that the node's default applies.
     */
    Validated<OptionalInt> replicaCount(String name, int replicationFactor) {
        return single(name).then(text -> {
            if (text.isEmpty()) {
                return Validated.valid(OptionalInt.empty());
            }
            int count = switch (text.get()) {
                case "one" -> 1;
                case "quorum" -> replicationFactor / 2 + 1;
                case "all" -> replicationFactor;
                default -> parseDecimal(text.get(), replicationFactor);
            };
            if (count < 1 || count > replicationFactor) {
                return Validated.invalid(ErrorCode.INVALID_PARAMETER, "parameter " + name
                        + " must be an integer from 1 to " + replicationFactor + ", or one, quorum or all; got '"
                        + Responses.abbreviate(text.get()) + "'");
            }
            return Validated.valid(OptionalInt.of(count));
        });
    }

    /** {@code timeout_ms}: 1..{@value HttpApiSettings#TIMEOUT_MILLIS_MAX}; empty when absent. */
    Validated<OptionalLong> timeoutMillis() {
        long max = HttpApiSettings.TIMEOUT_MILLIS_MAX;
        return single(TIMEOUT_MILLIS).then(text -> {
            if (text.isEmpty()) {
                return Validated.valid(OptionalLong.empty());
            }
            int millis = parseDecimal(text.get(), (int) max);
            if (millis < 1) {
                return Validated.invalid(ErrorCode.INVALID_PARAMETER, "parameter " + TIMEOUT_MILLIS
                        + " must be an integer number of milliseconds from 1 to " + max + "; got '"
                        + Responses.abbreviate(text.get()) + "'");
            }
            return Validated.valid(OptionalLong.of(millis));
        });
    }

    /**
     * {@code sloppy}: exactly {@code true} or {@code false}; empty when absent so that the node's
     * {@code quorum.sloppy} applies. No {@code 1}/{@code yes}: a typo must not silently pick a mode.
     */
    Validated<Optional<Boolean>> sloppy() {
        return bool(SLOPPY);
    }

    /** {@code tokens} on {@code /cluster/ring}: exactly {@code true} or {@code false}; absent means false. */
    Validated<Boolean> tokens() {
        return bool(TOKENS).then(value -> Validated.valid(value.orElse(false)));
    }

    private Validated<Optional<Boolean>> bool(String name) {
        return single(name).then(text -> switch (text.orElse(null)) {
            case null -> Validated.valid(Optional.empty());
            case "true" -> Validated.valid(Optional.of(true));
            case "false" -> Validated.valid(Optional.of(false));
            default -> Validated.invalid(ErrorCode.INVALID_PARAMETER, "parameter " + name
                    + " must be true or false; got '" + Responses.abbreviate(text.get()) + "'");
        });
    }

    private Validated<Optional<String>> single(String name) {
        List<String> given = values.getOrDefault(name, List.of());
        if (given.size() > 1) {
            return Validated.invalid(ErrorCode.INVALID_PARAMETER,
                    "parameter " + name + " is given " + given.size() + " times; give it at most once");
        }
        return Validated.valid(given.stream().findFirst());
    }

    /** The value of 1 to 9 ASCII digits if it is at most {@code max}; -1 for anything else. */
    private static int parseDecimal(String text, int max) {
        if (text.isEmpty() || text.length() > 9) {
            return -1;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        int value = Integer.parseInt(text);
        return value <= max ? value : -1;
    }

    /** Form decoding: {@code +} is a space, {@code %XX} a byte; the bytes must be UTF-8. */
    private static Optional<String> formDecode(String raw) {
        Optional<byte[]> bytes = PercentEncoding.decode(raw, true);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        return Utf8.decode(bytes.get(), 0, bytes.get().length);
    }
}
