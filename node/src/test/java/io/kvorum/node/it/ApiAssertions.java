package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.Answer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The assertions api.md implies for every answer, shared by every conformance and failure test. */
final class ApiAssertions {
    /** api.md: a context is URL-safe base64 without padding. */
    private static final Pattern CONTEXT = Pattern.compile("[A-Za-z0-9_-]+");

    private ApiAssertions() {}

    /** "All bodies are UTF-8 JSON (Content-Type: application/json)". */
    static void assertJsonContentType(Answer answer) {
        String type = answer.header("Content-Type").orElse("<none>");
        assertEquals("application/json", type.split(";")[0].trim().toLowerCase(Locale.ROOT),
                () -> answer + ": Content-Type " + type);
    }

    /** 200 with a JSON object body; returns the body. */
    static JsonNode assertOk(Answer answer) {
        assertEquals(200, answer.status(), answer::toString);
        assertJsonContentType(answer);
        JsonNode json = answer.json();
        assertTrue(json.isObject(), answer::toString);
        return json;
    }

    /**
     * An error answer: the status, {@code Content-Type: application/json} and the body
     * {@code {"error": code, "message": <sentence>}}; returns the body for the code's extra fields.
     */
    static JsonNode assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer::toString);
        assertJsonContentType(answer);
        JsonNode json = answer.json();
        assertTrue(json.isObject(), answer::toString);
        assertEquals(code, json.path("error").asText(null), answer::toString);
        JsonNode message = json.get("message");
        assertTrue(message != null && message.isTextual() && !message.asText().isBlank(),
                () -> answer + ": no human-readable message");
        return json;
    }

    /** 400 invalid_parameter whose message names the parameter. */
    static void assertInvalidParameter(Answer answer, String parameter) {
        JsonNode json = assertError(answer, 400, "invalid_parameter");
        assertTrue(Pattern.compile("\\b" + Pattern.quote(parameter) + "\\b").matcher(json.get("message").asText()).find(),
                () -> answer + ": the message does not name " + parameter);
    }

    /** 503 unavailable with {@code required} and {@code acknowledged} below it. */
    static JsonNode assertUnavailable(Answer answer, int required) {
        JsonNode json = assertError(answer, 503, "unavailable");
        assertEquals(required, json.path("required").asInt(-1), answer::toString);
        assertTrue(json.path("acknowledged").isInt(), answer::toString);
        int acknowledged = json.get("acknowledged").asInt();
        assertTrue(acknowledged >= 0 && acknowledged < required, () -> answer + ": acknowledged not below required");
        // Issue 19: the message says whether the deadline passed or the coordinator gave up early, and counts truly.
        String message = json.path("message").asText();
        assertTrue(message.startsWith("timed out: " + acknowledged + " of the " + required + " required replicas had ")
                || message.startsWith("gave up before the deadline, as too few replicas could "), () -> answer + ": " + message);
        assertTrue(message.contains(acknowledged + " of the " + required + " required replicas had "), () -> answer + ": " + message);
        return json;
    }

    /** A context string as api.md defines it: non-empty, URL-safe base64 without padding. */
    static String assertContext(Answer answer, String context) {
        assertNotNull(context, () -> answer + ": no context");
        assertTrue(CONTEXT.matcher(context).matches(), () -> answer + ": context is not URL-safe unpadded base64");
        return context;
    }

    /** A PUT or DELETE 200: {@code {"key": key, "context": <context>, "replicas": [...]}}; returns the context. */
    static String assertWritten(Answer answer, String key) {
        JsonNode json = assertOk(answer);
        assertEquals(key, json.path("key").asText(null), answer::toString);
        assertEquals(Set.of("key", "context", "replicas"), fieldNames(json), answer::toString);
        return assertContext(answer, answer.context());
    }

    /**
     * A successful GET: {@code {"key": key, "values": [...], "context": <context>}} whose values are,
     * in order and byte for byte, {@code values}; returns the context.
     */
    static String assertValues(Answer answer, String key, String... values) {
        assertRead(answer, key);
        assertEquals(List.of(values), answer.rawValues(), answer::toString);
        return answer.context();
    }

    /** As {@link #assertValues} in any order (api.md fixes only that the order is deterministic). */
    static String assertValueSet(Answer answer, String key, Set<String> values) {
        assertRead(answer, key);
        List<String> got = answer.rawValues();
        assertEquals(values.size(), got.size(), answer::toString);
        assertEquals(values, Set.copyOf(got), answer::toString);
        return answer.context();
    }

    private static void assertRead(Answer answer, String key) {
        JsonNode json = assertOk(answer);
        assertEquals(key, json.path("key").asText(null), answer::toString);
        assertTrue(json.path("values").isArray() && !json.get("values").isEmpty(), () -> answer + ": values must hold at least one");
        assertEquals(Set.of("key", "values", "context"), fieldNames(json), answer::toString);
        assertContext(answer, answer.context());
    }

    /** 404 not_found; with a context exactly when {@code withContext} (tombstones seen). Returns it. */
    static String assertNotFound(Answer answer, boolean withContext) {
        JsonNode json = assertError(answer, 404, "not_found");
        if (withContext) {
            return assertContext(answer, json.path("context").asText(null));
        }
        assertFalse(json.has("context") && !json.get("context").isNull(), () -> answer + ": context without tombstones");
        return null;
    }

    static Set<String> fieldNames(JsonNode json) {
        Set<String> names = new java.util.TreeSet<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
