package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static io.kvorum.node.it.ApiAssertions.assertInvalidParameter;
import static io.kvorum.node.it.ApiAssertions.assertJsonContentType;
import static io.kvorum.node.it.ApiAssertions.assertNotFound;
import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertUnavailable;
import static io.kvorum.node.it.ApiAssertions.assertValues;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.http.RawHttp;
import io.kvorum.node.it.ApiClient.Answer;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * api.md's answers to everything a client can get wrong: bad keys, contexts, bodies, parameters,
 * oversized values, unknown paths and wrong methods. Each is the documented 4xx error with the JSON
 * error body, and a rejected request changes nothing (its key reads the same before and after).
 */
final class BadInputChecks extends ClusterChecks {
    BadInputChecks(Cluster cluster) {
        super(cluster);
    }

    // --- keys ---------------------------------------------------------------------------------------

    /** An empty key ("1 to 1024 bytes") is 400 invalid_key on every key route. */
    void anEmptyKeyIsInvalid() {
        assertError(node(0).send("GET", "/kv/", (String) null), 400, "invalid_key");
        assertError(node(1).send("PUT", "/kv/", "{\"value\":1}"), 400, "invalid_key");
        assertError(node(2).send("DELETE", "/kv/", (String) null), 400, "invalid_key");
        assertError(node(0).send("GET", "/kv//replicas", (String) null), 400, "invalid_key");
    }

    /** A key that does not decode to UTF-8, or whose escapes are malformed, is 400 invalid_key and reaches nothing. */
    void invalidUtf8KeysAreInvalid() {
        // lone byte, truncated sequence, overlong '/', encoded surrogate, invalid byte between valid ones
        for (String bad : List.of("%FF", "%C3", "%C0%AF", "%ED%A0%80", "a%FEb", "%F8%88%80%80%80")) {
            assertError(node(0).send("GET", "/kv/" + bad, (String) null), 400, "invalid_key");
            assertError(node(1).send("PUT", "/kv/" + bad, "{\"value\":1}"), 400, "invalid_key");
            assertError(node(2).send("DELETE", "/kv/" + bad, (String) null), 400, "invalid_key");
            assertError(node(0).send("GET", "/kv/" + bad + "/replicas", (String) null), 400, "invalid_key");
        }
        // Malformed escapes cannot even be put in a java.net.URI: send them raw.
        for (String bad : List.of("%G1", "%4", "%", "a%zz")) {
            try (RawHttp http = new RawHttp(node(0).port())) {
                http.write("GET /kv/" + bad + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertError(ApiClient.answer("GET /kv/" + bad, http.read()), 400, "invalid_key");
            }
        }
    }

    // --- contexts and bodies ------------------------------------------------------------------------

    /** "A context that cannot be decoded is 400 invalid_context" — and the write does not happen. */
    void invalidContextsAreRejectedAndChangeNothing() {
        String key = key("bad-context");
        assertWritten(node(0).putValue(key, "\"kept\""), key);
        String good = assertValues(node(0).get(key), key, "\"kept\"");
        assertTrue(good.length() > 8, good);
        int middle = good.length() / 2;
        List<String> bad = List.of(
                "garbage", "!!!!", "not a context", "",
                good.substring(0, good.length() - 1),                                   // truncated by one
                good.substring(0, middle),                                              // truncated by half
                good.substring(0, middle) + other(good.charAt(middle)) + good.substring(middle + 1), // one char altered
                good.substring(0, good.length() - 1) + other(good.charAt(good.length() - 1)),        // last char altered
                good + "A",                                                             // one char added
                good + "==");                                                           // padded
        String before = snapshot(key);
        for (String context : bad) {
            String json = "\"" + context + "\"";
            assertError(node(1).put(key, "{\"value\":\"overwritten\",\"context\":" + json + "}"), 400, "invalid_context");
            assertError(node(2).delete(key, "{\"context\":" + json + "}", ""), 400, "invalid_context");
        }
        assertEquals(before, snapshot(key));
        assertValues(node(1).get(key), key, "\"kept\"");
    }

    /** "400 invalid_json (body not JSON or no value field)" — and nothing is written. */
    void invalidJsonBodiesAreRejectedAndChangeNothing() {
        String key = key("bad-json");
        assertWritten(node(0).putValue(key, "\"kept\""), key);
        String before = snapshot(key);
        List<String> badPutBodies = List.of(
                "", "   ", "not json", "{", "{\"value\":", "{\"value\":1", "[1]", "\"value\"", "1", "null", "true",
                "{}", "{\"context\":null}", "{\"valu\":1}",
                "{\"value\":1} x", "{\"value\":1}{\"value\":2}", "{\"value\":1}]",
                "{\"value\":1,}", "{'value':1}", "{\"value\":NaN}", "{\"value\":1 /* comment */}", "{value:1}",
                "{\"value\":1,\"value\":2}", "{\"value\":1,\"context\":5}", "{\"value\":1,\"context\":{}}");
        int i = 0;
        for (String body : badPutBodies) {
            assertError(node(i++).put(key, body), 400, "invalid_json");
        }
        // Not UTF-8 (a lone continuation byte inside a string).
        byte[] notUtf8 = "{\"value\":\"\u0080\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(node(1).sendBytes("PUT", ApiClient.kvPath(key, ""), notUtf8), 400, "invalid_json");
        for (String body : List.of("not json", "[1]", "1", "{\"context\":5}", "{} x", "{\"context\":\"a\",\"context\":\"b\"}")) {
            assertError(node(i++).delete(key, body, ""), 400, "invalid_json");
        }
        assertEquals(before, snapshot(key));
    }

    /** "Larger than the configured limit (default 1 MiB of JSON text) is 413 value_too_large" — exactly the limit is fine. */
    void aValueOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLarge() {
        int limit = cluster.valueBytesMax();
        String key = key("limit-ascii");
        String atLimit = "\"" + "a".repeat(limit - 2) + "\"";
        assertWritten(node(0).putValue(key, atLimit), key);
        assertEquals(List.of(atLimit), node(1).get(key).rawValues());
        String before = snapshot(key);
        JsonNode error = assertError(node(2).putValue(key, "\"" + "b".repeat(limit - 1) + "\""), 413, "value_too_large");
        assertEquals(limit, error.path("limit").asInt(-1), error::toString);
        assertEquals(before, snapshot(key));

        // The limit counts bytes, not characters: 2-byte characters fill it at half the count.
        String utf8Key = key("limit-utf8");
        String utf8AtLimit = "\"" + "é".repeat((limit - 2) / 2) + "a".repeat((limit - 2) % 2) + "\"";
        assertEquals(limit, utf8AtLimit.getBytes(StandardCharsets.UTF_8).length);
        assertWritten(node(1).putValue(utf8Key, utf8AtLimit), utf8Key);
        assertEquals(List.of(utf8AtLimit), node(2).get(utf8Key).rawValues());
        String utf8Before = snapshot(utf8Key);
        assertError(node(0).putValue(utf8Key, utf8AtLimit.substring(0, utf8AtLimit.length() - 1) + "a\""), 413, "value_too_large");
        assertEquals(utf8Before, snapshot(utf8Key));
    }

    /** "413 ... also a request body over the limit, rejected before it is fully read": the body is never sent. */
    void aHugeDeclaredBodyIsRejectedBeforeItIsSent() {
        String key = key("huge-body");
        for (long declared : List.of(100_000_000_000L, (long) cluster.valueBytesMax() + 64 * 1024 + 1)) {
            try (RawHttp http = new RawHttp(node(0).port())) {
                String request = "PUT /kv/" + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + declared + "\r\n\r\n";
                http.write(request); // and not one byte of body
                RawHttp.Response response = http.read();
                JsonNode error = assertError(ApiClient.answer("PUT with Content-Length " + declared, response), 413, "value_too_large");
                assertEquals(cluster.valueBytesMax(), error.path("limit").asInt(-1), error::toString);
                assertTrue(http.closedByServer(), "the connection should be closed after an early 413");
            }
        }
        assertNotFound(node(1).get(key), false);
    }

    // --- consistency parameters ---------------------------------------------------------------------

    /** "A value outside 1..N or an unknown word is 400 invalid_parameter" — with the JSON error body, and nothing written. */
    void badConsistencyParametersAreInvalid() {
        String key = key("bad-levels");
        assertWritten(node(0).putValue(key, "\"kept\""), key);
        String before = snapshot(key);
        // Raw query values: %20 is a space, %2B a plus sign.
        List<String> bad = List.of("0", "4", String.valueOf(cluster.n() + 1), "-1", "%2B1", "%201", "1%20", "1.0", "1e0", "0x1",
                "", "ONE", "Quorum", "ALL", "two", "none", "9999999999", "%C3%A9", "%D9%A1" /* Arabic-Indic one */);
        int i = 0;
        for (String value : bad) {
            assertInvalidParameter(node(i++).get(key, "r=" + value), "r");
            assertInvalidParameter(node(i++).put(key, "{\"value\":\"changed\"}", "w=" + value), "w");
            assertInvalidParameter(node(i++).delete(key, null, "w=" + value), "w");
        }
        // A query string that is not valid percent-encoded UTF-8 names no parameter, but is still invalid_parameter.
        assertError(node(i++).get(key, "r=%FF"), 400, "invalid_parameter");
        assertError(node(i++).put(key, "{\"value\":\"changed\"}", "w=%C3"), 400, "invalid_parameter");
        // Malformed escapes cannot even be put in a java.net.URI: send them raw.
        for (String malformed : List.of("r=1%", "x=%G1&r=1", "r=%4")) {
            try (RawHttp http = new RawHttp(node(i++).port())) {
                http.write("GET " + ApiClient.kvPath(key, malformed) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                assertError(ApiClient.answer("GET ?" + malformed, http.read()), 400, "invalid_parameter");
            }
        }
        assertInvalidParameter(node(0).get(key, "r=1&r=2"), "r");
        assertInvalidParameter(node(1).put(key, "{\"value\":\"changed\"}", "w=1&w=1"), "w");
        assertInvalidParameter(node(2).delete(key, null, "w=all&w=one"), "w");
        assertEquals(before, snapshot(key));
    }

    /** "timeout_ms (optional): how long the coordinator waits for replicas" — 1..60000 (api-reference), else 400. */
    void timeoutMillisBounds() {
        String key = key("timeout");
        assertWritten(node(0).put(key, "{\"value\":1}", "timeout_ms=60000"), key);
        assertValues(node(1).get(key, "timeout_ms=60000"), key, "1");
        assertValues(node(1).get(key, "timeout_ms=05000&r=all"), key, "1");
        // One millisecond is allowed; whether the replicas make it in time is up to them.
        Answer quick = node(2).get(key, "timeout_ms=1");
        if (quick.status() == 200) {
            assertValues(quick, key, "1");
        } else {
            assertUnavailable(quick, 2);
        }
        String before = snapshot(key);
        for (String bad : List.of("0", "60001", "-1", "abc", "1.5", "", "1e3", "%2B5", "9999999999")) {
            assertInvalidParameter(node(0).get(key, "timeout_ms=" + bad), "timeout_ms");
            assertInvalidParameter(node(1).put(key, "{\"value\":2}", "timeout_ms=" + bad), "timeout_ms");
            assertInvalidParameter(node(2).delete(key, null, "timeout_ms=" + bad), "timeout_ms");
        }
        assertInvalidParameter(node(0).get(key, "timeout_ms=10&timeout_ms=20"), "timeout_ms");
        assertEquals(before, snapshot(key));
    }

    // --- routes, methods, content types -------------------------------------------------------------

    /** "404 ... also any unknown path ({"error": "no_such_route"})". */
    void unknownPathsAreNoSuchRoute() {
        for (String path : List.of("/", "/nope", "/health/", "/HEALTH", "/KV/a", "/kv", "/cluster", "/cluster/members/",
                "/cluster/ring/x", "/metrics/kv.get", "/kvx/a", "/v1/kv/a")) {
            assertError(node(0).get(raw(path)), 404, "no_such_route");
            assertError(node(1).send("PUT", path, "{\"value\":1}"), 404, "no_such_route");
        }
    }

    /** "405 wrong method on a known path", with an Allow header listing the right ones. */
    void wrongMethodsAre405() {
        String item = "/kv/" + key("method");
        Map<String, String> allowed = new LinkedHashMap<>();
        allowed.put(item, "GET, PUT, PATCH, DELETE");
        allowed.put(item + "/replicas", "GET");
        allowed.put("/health", "GET");
        allowed.put("/cluster/members", "GET");
        allowed.put("/cluster/ring", "GET");
        allowed.put("/metrics", "GET");
        for (Map.Entry<String, String> route : allowed.entrySet()) {
            for (String method : List.of("POST", "PATCH", "PUT", "DELETE", "OPTIONS")) {
                if (route.getValue().contains(method)) {
                    continue;
                }
                Answer answer = node(0).send(method, route.getKey(), "{\"value\":1}");
                assertError(answer, 405, "method_not_allowed");
                assertEquals(route.getValue(), answer.header("Allow").orElse(null), answer::toString);
            }
            Answer head = node(1).send("HEAD", route.getKey(), (String) null);
            assertEquals(405, head.status(), head::toString);
        }
        // The method is checked before the key.
        assertError(node(2).send("POST", "/kv/%FF", "{}"), 405, "method_not_allowed");
        assertNotFound(node(0).get(key("method")), false);
    }

    /** "All bodies are UTF-8 JSON (Content-Type: application/json). Every error response has ... error and message." */
    void everyAnswerIsJsonAndEveryErrorHasErrorAndMessage() {
        String key = key("json-everywhere");
        List<Answer> answers = new ArrayList<>();
        answers.add(node(0).putValue(key, "\"é\""));
        answers.add(node(1).get(key));
        answers.add(node(2).replicas(key));
        answers.add(node(0).get(raw("/health")));
        answers.add(node(1).get(raw("/cluster/members")));
        answers.add(node(2).get(raw("/cluster/ring")));
        answers.add(node(0).get(raw("/metrics")));
        answers.add(node(1).delete(key));
        for (Answer answer : answers) {
            assertOk(answer);
        }
        Map<Answer, String> errors = new LinkedHashMap<>();
        errors.put(node(0).get(key), "not_found");
        errors.put(node(1).get(key("never")), "not_found");
        errors.put(node(2).get(raw("/kv/%FF")), "invalid_key");
        errors.put(node(0).put(key, "nope"), "invalid_json");
        errors.put(node(1).put(key, "{\"value\":1,\"context\":\"nope\"}"), "invalid_context");
        errors.put(node(2).get(key, "r=zero"), "invalid_parameter");
        errors.put(node(0).get(raw("/nope")), "no_such_route");
        errors.put(node(1).send("POST", "/health", (String) null), "method_not_allowed");
        errors.put(node(2).putValue(key, "\"" + "x".repeat(cluster.valueBytesMax()) + "\""), "value_too_large");
        for (Map.Entry<Answer, String> error : errors.entrySet()) {
            Answer answer = error.getKey();
            assertError(answer, answer.status(), error.getValue());
            assertJsonContentType(answer);
            assertTrue(answer.status() >= 400 && answer.status() < 500, answer::toString);
        }
        // Values come back as UTF-8 JSON text.
        assertWritten(node(0).putValue(key, "\"é😀\""), key);
        Answer get = node(1).get(key);
        assertEquals("\"é😀\"", get.rawValues().getFirst());
        assertDoesNotThrow(() -> StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(get.bytes())), "the body is not UTF-8");
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** Another URL-safe base64 character than {@code c}. */
    private static char other(char c) {
        return c == 'A' ? 'B' : 'A';
    }
}
