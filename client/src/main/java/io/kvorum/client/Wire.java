package io.kvorum.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The API's bodies: request bodies out, and answers into results or typed exceptions. Stateless. */
final class Wire {
    private static final byte[] VALUE_OPEN = "{\"value\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] PATCH_OPEN = "{\"patch\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CONTEXT_FIELD = ",\"context\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final ObjectMapper mapper;

    Wire(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** {@code {"value": <value as JSON>, "context": "<context>"}}, the context only when not null. */
    byte[] putBody(Object value, String context) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            body.write(VALUE_OPEN);
            body.write(value instanceof RawJson raw ? checked(raw) : mapper.writeValueAsBytes(value));
            if (context != null) {
                body.write(CONTEXT_FIELD);
                body.write(mapper.writeValueAsBytes(context));
            }
            body.write('}');
            return body.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("the value cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The raw value's bytes once one parser pass found exactly one JSON value and nothing after it:
     * it is spliced into the body, so {@code 1,"context":"x"} would otherwise add fields of its own.
     */
    private byte[] checked(RawJson raw) {
        byte[] json = raw.json().getBytes(StandardCharsets.UTF_8);
        try (JsonParser parser = mapper.createParser(json)) {
            if (parser.nextToken() == null) {
                throw new IllegalArgumentException("raw JSON holds no value");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("raw JSON holds more than one value: " + abbreviate(raw.json()));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("raw JSON is not valid JSON: " + abbreviate(raw.json()) + " (" + e.getMessage() + ")", e);
        }
        return json;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** {@code {"patch": <patch as JSON>, "context": "<context>"}}, the context only when not null. */
    byte[] patchBody(Object patch, String context) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(256);
            body.write(PATCH_OPEN);
            body.write(patch instanceof RawJson raw ? checked(raw) : mapper.writeValueAsBytes(patch));
            if (context != null) {
                body.write(CONTEXT_FIELD);
                body.write(mapper.writeValueAsBytes(context));
            }
            body.write('}');
            return body.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("the patch cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /** A 409 {@code conflict} body of a PATCH: its siblings' exact JSON and their context. */
    ConflictException conflict(byte[] body) throws IOException {
        List<RawJson> values = new ArrayList<>();
        String context = null;
        String message = "conflict";
        try (JsonParser parser = mapper.createParser(body)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "a 409 answer is not a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("values") && token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        values.add(rawValue(parser, body));
                    }
                } else if (field.equals("context") && token == JsonToken.VALUE_STRING) {
                    context = parser.getText();
                } else if (field.equals("message") && token == JsonToken.VALUE_STRING) {
                    message = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        }
        expect(context != null, "a 409 conflict answer has no context");
        return new ConflictException(message, values, context);
    }

    /** {@code {"context": "<context>"}} or no body. */
    byte[] deleteBody(String context) {
        return context == null ? null : putBodyContextOnly(context);
    }

    private byte[] putBodyContextOnly(String context) {
        try {
            return ("{\"context\":" + mapper.writeValueAsString(context) + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 200 GET body, values decoded as they stream past (no tree of the whole answer). */
    <T> Fetched<T> fetched(String key, byte[] body, JavaType type) throws IOException {
        List<T> values = new ArrayList<>(1);
        String context = null;
        boolean raw = type.getRawClass() == RawJson.class;
        try (JsonParser parser = mapper.createParser(body)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT, "a GET answer is not a JSON object");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("values") && token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        @SuppressWarnings("unchecked") T value = raw ? (T) rawValue(parser, body) : decode(key, parser, type);
                        values.add(value);
                    }
                } else if (field.equals("context") && token == JsonToken.VALUE_STRING) {
                    context = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
        }
        return new Fetched<>(key, values, Optional.ofNullable(context));
    }

    /**
     * One stored value as the caller's type. A value that does not fit the type is the caller's
     * mismatch, not the node's fault: an {@link IllegalArgumentException} naming the type.
     */
    private <T> T decode(String key, JsonParser parser, JavaType type) throws IOException {
        try {
            return mapper.readValue(parser, type);
        } catch (DatabindException e) {
            throw new IllegalArgumentException("a value of key '" + key + "' cannot be read as " + type.toCanonical()
                    + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The exact text of the value the parser is at, cut from the body by byte offsets (the node
     * writes stored values verbatim, so this is what was stored).
     */
    private static RawJson rawValue(JsonParser parser, byte[] body) throws IOException {
        int start = (int) parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        parser.finishToken(); // a string's text is read lazily: read it all, so the location is past it
        int end = (int) parser.currentLocation().getByteOffset();
        return new RawJson(new String(body, start, end - start, StandardCharsets.UTF_8).strip());
    }

    /** A 404 {@code not_found}: no values, and the tombstones' context when the node gave one. */
    <T> Fetched<T> notFound(String key, JsonNode error) {
        JsonNode context = error.path("context");
        return new Fetched<>(key, List.of(), context.isTextual() ? Optional.of(context.asText()) : Optional.empty());
    }

    /** A 200 PUT or DELETE body. */
    Written written(String key, byte[] body) throws IOException {
        JsonNode json = mapper.readTree(body);
        List<Receipt> receipts = new ArrayList<>();
        for (JsonNode r : json.path("replicas")) {
            JsonNode forNode = r.path("for");
            receipts.add(new Receipt(r.path("node").asText(), r.path("role").asText(),
                    forNode.isTextual() ? Optional.of(forNode.asText()) : Optional.empty()));
        }
        expect(json.path("context").isTextual(), "a write's answer has no context");
        return new Written(key, json.path("context").asText(), receipts);
    }

    /** An error body, or an empty object when the body is not JSON (the status then says enough). */
    JsonNode error(byte[] body) {
        try {
            JsonNode json = mapper.readTree(body);
            return json != null && json.isObject() ? json : mapper.createObjectNode();
        } catch (IOException e) {
            return mapper.createObjectNode();
        }
    }

    JavaType type(Class<?> type) {
        return mapper.constructType(type);
    }

    JavaType type(com.fasterxml.jackson.core.type.TypeReference<?> type) {
        return mapper.getTypeFactory().constructType(type);
    }

    private static void expect(boolean condition, String problem) throws IOException {
        if (!condition) {
            throw new IOException(problem);
        }
    }
}
