package io.kvorum.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.kvorum.common.Bytes;
import io.kvorum.common.Utf8;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Parses PUT, PATCH and DELETE bodies with Jackson's streaming parser, keeping the {@code value}'s exact
 * JSON text: the bytes from the value token's first byte to its last, sliced out of the body, so
 * that {@code 1.50} stays {@code 1.50} and {@code {"a" : [1, 2]}} keeps its spaces (api.md).
 *
 * <p>The whole body must be strict JSON in strict UTF-8: every string is decoded (which checks its
 * escapes), one top-level object, nothing after it, {@code value} and {@code context} at most once.
 */
final class RequestBodies {
    /** A PUT body: the value's exact JSON text and the optional causal context. */
    record PutBody(Bytes valueJson, Optional<String> context) {}

    /** A DELETE body: the optional causal context. */
    record DeleteBody(Optional<String> context) {}

    /** A PATCH body: the parsed merge patch and the optional causal context (a precondition). */
    record PatchBody(JsonMergePatch patch, Optional<String> context) {}

    /** Where a field's JSON text lies in the body: {@code start} is -1 when the field is absent. */
    private record Span(int start, int end) {
        static final Span ABSENT = new Span(-1, -1);

        boolean present() {
            return start >= 0;
        }

        int length() {
            return end - start;
        }
    }

    /** The top-level fields that matter; {@code value} and {@code patch} as offsets into the body. */
    private record Fields(Span value, Span patch, Optional<String> context) {
        boolean hasValue() {
            return value.present();
        }
    }

    private static final int DEPTH_MAX = 1000;

    private final JsonFactory factory;
    private final int valueBytesMax;

    RequestBodies(int bodyBytesMax, int valueBytesMax) {
        this.valueBytesMax = valueBytesMax;
        // Field names inside stored values are the client's: never String.intern() them. Canonicalizing
        // stays on because only then does Jackson use its byte parser, whose locations are byte offsets
        // (its symbol table is bounded: a table past its size cap is dropped, not kept). Numbers and
        // names may be as long as the body allows: a value's text is stored, never evaluated.
        this.factory = JsonFactory.builder()
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(DEPTH_MAX)
                        .maxNumberLength(bodyBytesMax)
                        .maxNameLength(bodyBytesMax)
                        .maxStringLength(bodyBytesMax)
                        .build())
                .build();
    }

    Validated<PutBody> put(byte[] body) {
        if (isBlank(body)) {
            return invalidJson("request body is empty; send {\"value\": <json>} with an optional \"context\"");
        }
        return fields(body).then(fields -> {
            if (!fields.hasValue()) {
                return invalidJson("request body has no \"value\" field; send {\"value\": <json>}");
            }
            int length = fields.value().length();
            if (length > valueBytesMax) {
                return Validated.invalid(ApiError.of(ErrorCode.VALUE_TOO_LARGE, "value is " + length
                        + " bytes of JSON text; the limit is " + valueBytesMax + " bytes")
                        .with("limit", valueBytesMax));
            }
            Bytes value = Bytes.copyOf(body, fields.value().start(), length);
            return Validated.valid(new PutBody(value, fields.context()));
        });
    }

    /**
     * A PATCH body {@code {"patch": <JSON Merge Patch>, "context": "<optional>"}}: the patch may be
     * any JSON (RFC 7396: an object merges, anything else replaces the value) but must be there.
     */
    Validated<PatchBody> patch(byte[] body) {
        if (isBlank(body)) {
            return invalidJson("request body is empty; send {\"patch\": <JSON Merge Patch>} with an optional \"context\"");
        }
        return fields(body).then(fields -> {
            if (!fields.patch().present()) {
                return invalidJson("request body has no \"patch\" field; send {\"patch\": <JSON Merge Patch (RFC 7396)>}");
            }
            int length = fields.patch().length();
            if (length > valueBytesMax) {
                return Validated.invalid(ApiError.of(ErrorCode.VALUE_TOO_LARGE, "patch is " + length
                        + " bytes of JSON text; the limit is " + valueBytesMax + " bytes")
                        .with("limit", valueBytesMax));
            }
            JsonMergePatch patch = JsonMergePatch.parse(Bytes.copyOf(body, fields.patch().start(), length), valueBytesMax);
            return Validated.valid(new PatchBody(patch, fields.context()));
        });
    }

    /** An empty (or all-whitespace) body means "no context"; any other body must be a JSON object. */
    Validated<DeleteBody> delete(byte[] body) {
        if (isBlank(body)) {
            return Validated.valid(new DeleteBody(Optional.empty()));
        }
        return fields(body).then(fields -> Validated.valid(new DeleteBody(fields.context())));
    }

    private Validated<Fields> fields(byte[] body) {
        if (!isUtf8(body)) {
            return invalidJson("request body is not valid UTF-8");
        }
        try (JsonParser parser = factory.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return invalidJson("request body must be a JSON object such as {\"value\": <json>}");
            }
            Validated<Fields> fields = objectFields(parser);
            if (fields instanceof Validated.Valid<Fields> && parser.nextToken() != null) {
                return invalidJson("request body has content after its JSON object");
            }
            return fields;
        } catch (JsonProcessingException e) {
            return invalidJson("request body is not valid JSON: " + describe(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail", e);
        }
    }

    /** Walks the top-level object's fields; the parser stands on its START_OBJECT. */
    private Validated<Fields> objectFields(JsonParser parser) throws IOException {
        Span value = Span.ABSENT;
        Span patch = Span.ABSENT;
        boolean sawContext = false;
        Optional<String> context = Optional.empty();
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            JsonToken first = parser.nextToken();
            if (name.equals("value") || name.equals("patch")) {
                if ((name.equals("value") ? value : patch).present()) {
                    return invalidJson("request body has more than one \"" + name + "\" field");
                }
                int start = (int) parser.currentTokenLocation().getByteOffset();
                skipValue(parser);
                Span span = new Span(start, (int) parser.currentLocation().getByteOffset());
                if (name.equals("value")) {
                    value = span;
                } else {
                    patch = span;
                }
            } else if (name.equals("context")) {
                if (sawContext) {
                    return invalidJson("request body has more than one \"context\" field");
                }
                sawContext = true;
                if (first == JsonToken.VALUE_STRING) {
                    context = Optional.of(parser.getText());
                } else if (first != JsonToken.VALUE_NULL) {
                    return invalidJson("\"context\" must be a string (the context a read returned) or null");
                }
            } else {
                skipValue(parser); // unknown fields are ignored, but they must still be JSON
            }
        }
        return Validated.valid(new Fields(value, patch, context));
    }

    /**
     * Moves past the value whose first token is current, decoding every string on the way so that a
     * bad escape is an error here rather than a stored surprise. Iterative: depth costs no stack.
     */
    private static void skipValue(JsonParser parser) throws IOException {
        int depth = 0;
        JsonToken token = parser.currentToken();
        while (true) {
            if (token == null) {
                throw new IllegalStateException("parser ended inside a value without reporting an error");
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            } else if (token == JsonToken.VALUE_STRING) {
                parser.finishToken();
            }
            if (depth == 0) {
                return;
            }
            token = parser.nextToken();
        }
    }

    /** Jackson's own sentence and, when it knows it (constraint failures do not), where. */
    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return Responses.abbreviate(String.valueOf(e.getOriginalMessage())) + where;
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Strict UTF-8 (no overlong forms, no encoded surrogates), which Jackson alone does not enforce. */
    private static boolean isUtf8(byte[] body) {
        return Utf8.isValid(body);
    }

    private static <T> Validated<T> invalidJson(String message) {
        return Validated.invalid(ErrorCode.INVALID_JSON, message);
    }
}
