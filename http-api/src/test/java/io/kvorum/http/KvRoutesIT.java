package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET, PUT and DELETE on /kv/{key} against a real server: bodies, keys, parameters, results. */
class KvRoutesIT {
    private final RunningApi node = RunningApi.small();

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void putThenGetReturnsTheExactValueText() {
        String value = "{\"a\" : [1, 2],\n \"price\": 1.50, \"big\": 1E+400, \"s\": \"\\u00e9\\\"\"}";
        RunningApi.Answer put = node.put("/kv/item", "{\"value\": " + value + "}");
        assertEquals(200, put.status(), put.body());
        assertEquals("application/json", put.header("Content-Type"));
        assertEquals("item", put.json().get("key").asText());
        assertTrue(put.json().get("context").isTextual());

        RunningApi.Answer get = node.get("/kv/item");
        assertEquals(200, get.status());
        assertEquals("{\"key\":\"item\",\"values\":[" + value + "],\"context\":\"" + put.json().get("context").asText()
                + "\"}", get.body());
    }

    @Test
    void keepsScalarsAndNullAsWritten() {
        for (String value : List.of("1.50", "-0", "null", "true", "\"text\"", "[ ]", "1e5", "{ }")) {
            assertEquals(200, node.put("/kv/s", "{\"context\": \"v0\", \"value\":" + value + "}").status());
            String body = node.get("/kv/s").body();
            assertTrue(body.contains("\"values\":[" + value + "]"), body);
        }
    }

    @Test
    void concurrentWritesAreSiblingsAndAContextResolvesThem() {
        node.put("/kv/k", "{\"value\": 1}");
        node.put("/kv/k", "{\"value\": 2}");
        RunningApi.Answer both = node.get("/kv/k");
        assertEquals("[1,2]", both.json().get("values").toString());
        String context = both.json().get("context").asText();
        assertEquals(200, node.put("/kv/k", "{\"value\": 3, \"context\": \"" + context + "\"}").status());
        assertEquals("[3]", node.get("/kv/k").json().get("values").toString());
        PutRequest last = node.service.requests.stream().filter(PutRequest.class::isInstance)
                .map(PutRequest.class::cast).toList().getLast();
        assertEquals(Optional.of(context), last.context());
    }

    @Test
    void notFoundCarriesTheTombstoneContextOnlyWhenThereIsOne() {
        RunningApi.Answer never = node.get("/kv/never");
        assertEquals(404, never.status());
        assertEquals("not_found", never.json().get("error").asText());
        assertTrue(never.json().get("message").isTextual());
        assertFalse(never.json().has("context"));

        node.put("/kv/gone", "{\"value\": 1}");
        RunningApi.Answer deleted = node.delete("/kv/gone", null);
        assertEquals(200, deleted.status());
        assertEquals("gone", deleted.json().get("key").asText());
        RunningApi.Answer gone = node.get("/kv/gone");
        assertEquals(404, gone.status());
        assertEquals(deleted.json().get("context").asText(), gone.json().get("context").asText());
    }

    @Test
    void deleteTakesAnOptionalContextBody() {
        node.put("/kv/d", "{\"value\": 1}");
        assertEquals(200, node.delete("/kv/d", "").status());
        assertEquals(200, node.delete("/kv/d", "{}").status());
        assertEquals(200, node.delete("/kv/d", "{\"context\": \"v1\"}").status());
        List<Optional<String>> contexts = node.service.requests.stream()
                .filter(DeleteRequest.class::isInstance).map(r -> ((DeleteRequest) r).context()).toList();
        assertEquals(List.of(Optional.empty(), Optional.empty(), Optional.of("v1")), contexts);
        assertError(node.delete("/kv/d", "{\"context\": 1}"), 400, "invalid_json");
        assertError(node.delete("/kv/d", "not json"), 400, "invalid_json");
        assertError(node.delete("/kv/d", "{\"context\": \"bogus\"}"), 400, "invalid_context");
    }

    @Test
    void writeAnswersCarryTheServicesReceipts() {
        assertEquals("{\"key\":\"k\",\"context\":\"v1\",\"replicas\":[{\"node\":\"node-1\",\"role\":\"primary\"}]}",
                node.put("/kv/k", "{\"value\": 1}").body());
        List<Receipt> receipts = List.of(Receipt.primary(NodeId.of("node-2")), Receipt.primary(RecordingKvService.SELF),
                Receipt.fallback(NodeId.of("node-4"), NodeId.of("node-3")));
        node.service.onPut = r -> CompletableFuture.completedFuture(new WriteResult.Written(r.key(), "p", receipts));
        node.service.onDelete = r -> CompletableFuture.completedFuture(new WriteResult.Written(r.key(), "d", receipts));
        String replicas = "\"replicas\":[{\"node\":\"node-2\",\"role\":\"primary\"},"
                + "{\"node\":\"node-1\",\"role\":\"primary\"},"
                + "{\"node\":\"node-4\",\"role\":\"fallback\",\"for\":\"node-3\"}]";
        assertEquals("{\"key\":\"k\",\"context\":\"p\"," + replicas + "}",
                node.put("/kv/k?sloppy=true", "{\"value\": 2}").body());
        assertEquals("{\"key\":\"k\",\"context\":\"d\"," + replicas + "}", node.delete("/kv/k", null).body());
    }

    private static final QuorumShortfall TIMED_OUT = new QuorumShortfall(true, List.of());

    @Test
    void unavailableCarriesRequiredAndAcknowledged() {
        node.service.onGet = r -> CompletableFuture.completedFuture(new GetResult.Unavailable(2, 1, TIMED_OUT));
        node.service.onPut = r -> CompletableFuture.completedFuture(new WriteResult.Unavailable(3, 0, TIMED_OUT));
        node.service.onDelete = r -> CompletableFuture.completedFuture(new WriteResult.Unavailable(2, 1, TIMED_OUT));
        JsonNode get = assertError(node.get("/kv/k"), 503, "unavailable");
        assertEquals(2, get.get("required").asInt());
        assertEquals(1, get.get("acknowledged").asInt());
        JsonNode put = assertError(node.put("/kv/k?w=all", "{\"value\": 1}"), 503, "unavailable");
        assertEquals(3, put.get("required").asInt());
        assertEquals(0, put.get("acknowledged").asInt());
        assertError(node.delete("/kv/k", null), 503, "unavailable");
    }

    @Test
    void anUndecodableContextIsTheServicesCallAndAnswers400() {
        JsonNode error = assertError(node.put("/kv/k", "{\"value\": 1, \"context\": \"%%%\"}"), 400, "invalid_context");
        assertTrue(error.get("message").asText().contains("%%%"));
    }

    @Test
    void decodesPercentEncodedKeys() {
        assertEquals("a/b", node.put("/kv/a%2Fb", "{\"value\": 1}").json().get("key").asText());
        assertEquals(Key.of("a/b"), ((PutRequest) node.service.requests.getLast()).key());
        assertEquals("a/b", node.get("/kv/a%2Fb").json().get("key").asText());
        assertEquals("a/b", node.get("/kv/a%2Fb/replicas").json().get("key").asText());
        assertEquals("café ☕", node.put("/kv/caf%C3%A9%20%E2%98%95", "{\"value\": 1}").json().get("key").asText());
        assertEquals("a+b", node.put("/kv/a+b", "{\"value\": 1}").json().get("key").asText());
        assertEquals("replicas", node.put("/kv/replicas", "{\"value\": 1}").json().get("key").asText());
        assertEquals(200, node.get("/kv/a+b").status());
        assertEquals(404, node.get("/kv/a%20b").status());
    }

    @Test
    void acceptsKeysOfExactly1024BytesAndRejectsLonger() {
        assertEquals(200, node.put("/kv/" + "k".repeat(1024), "{\"value\": 1}").status());
        assertEquals(200, node.put("/kv/" + "%C3%A9".repeat(512), "{\"value\": 1}").status());
        int before = node.service.requests.size();
        assertError(node.put("/kv/" + "k".repeat(1025), "{\"value\": 1}"), 400, "invalid_key");
        assertError(node.get("/kv/" + "%C3%A9".repeat(512) + "k"), 400, "invalid_key");
        assertError(node.get("/kv/" + "k".repeat(1025) + "/replicas"), 400, "invalid_key");
        assertEquals(before, node.service.requests.size());
    }

    @Test
    void rejectsKeysThatAreNotOneSegmentOfUtf8() {
        for (String path : List.of("/kv/", "/kv/%FF", "/kv/%C3", "/kv/a/b", "/kv/a/", "/kv/a/b/replicas",
                "/kv/a/replicas/")) {
            assertError(node.get(path), 400, "invalid_key");
            assertError(node.put(path, "{\"value\": 1}"), 400, "invalid_key");
            assertError(node.delete(path, null), 400, "invalid_key");
        }
        assertError(node.get("/kv//replicas"), 400, "invalid_key");
        assertError(node.get("/kv/%FF/replicas"), 400, "invalid_key");
        for (String raw : List.of("/kv/%G1", "/kv/a%2", "/kv/%", "/kv/k?r=%ZZ")) {
            try (RawHttp http = new RawHttp(node.port)) {
                http.write("GET " + raw + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Response response = http.read();
                assertEquals(400, response.status(), raw);
                String code = raw.contains("?") ? "\"invalid_parameter\"" : "\"invalid_key\"";
                assertTrue(response.body().contains(code), response.body());
            }
        }
        assertTrue(node.service.requests.isEmpty(), () -> node.service.requests.toString());
    }

    @Test
    void passesResolvedConsistencyAndTimeoutToTheService() {
        node.get("/kv/k?r=one&timeout_ms=250");
        node.get("/kv/k?r=quorum");
        node.get("/kv/k?r=all&unknown=1&w=banana");
        node.get("/kv/k?r=2");
        node.get("/kv/k");
        List<GetRequest> gets = node.service.requests.stream().map(GetRequest.class::cast).toList();
        assertEquals(new GetRequest(Key.of("k"), OptionalInt.of(1), OptionalLong.of(250), Optional.empty()), gets.get(0));
        assertEquals(OptionalInt.of(2), gets.get(1).r());
        assertEquals(OptionalInt.of(3), gets.get(2).r());
        assertEquals(OptionalInt.of(2), gets.get(3).r());
        assertEquals(new GetRequest(Key.of("k"), OptionalInt.empty(), OptionalLong.empty(), Optional.empty()), gets.get(4));

        node.put("/kv/k?w=quorum&timeout_ms=60000&r=banana", "{\"value\": 1}");
        PutRequest put = (PutRequest) node.service.requests.getLast();
        assertEquals(OptionalInt.of(2), put.w());
        assertEquals(OptionalLong.of(60_000), put.timeoutMillis());
        node.delete("/kv/k?w=1&timeout_ms=1", null);
        DeleteRequest delete = (DeleteRequest) node.service.requests.getLast();
        assertEquals(new DeleteRequest(Key.of("k"), Optional.empty(), OptionalInt.of(1), OptionalLong.of(1),
                Optional.empty()), delete);
    }

    @Test
    void rejectsBadParametersBeforeTheService() {
        for (String query : List.of("r=0", "r=4", "r=two", "r=", "r=1&r=1", "timeout_ms=0", "timeout_ms=60001",
                "timeout_ms=abc", "timeout_ms=1&timeout_ms=2", "r=%FF", "x=%C3")) {
            JsonNode error = assertError(node.get("/kv/k?" + query), 400, "invalid_parameter");
            assertTrue(error.get("message").asText().contains(query.contains("%") ? "query" : query.split("=")[0]),
                    error.toString());
        }
        assertError(node.put("/kv/k?w=all&w=one", "{\"value\": 1}"), 400, "invalid_parameter");
        assertError(node.put("/kv/k?w=quorums", "{\"value\": 1}"), 400, "invalid_parameter");
        assertError(node.delete("/kv/k?w=9", null), 400, "invalid_parameter");
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void passesSloppyToTheServiceOnGetPutAndDelete() {
        for (String query : List.of("?sloppy=true", "?sloppy=false", "", "?w=1&r=1&sloppy=false&timeout_ms=9")) {
            node.get("/kv/k" + query);
            node.put("/kv/k" + query, "{\"value\": 1}");
            node.delete("/kv/k" + query, null);
        }
        List<Optional<Boolean>> expected = List.of(Optional.of(true), Optional.of(false), Optional.empty(),
                Optional.of(false));
        assertEquals(expected, node.service.requests.stream().filter(GetRequest.class::isInstance)
                .map(r -> ((GetRequest) r).sloppy()).toList());
        assertEquals(expected, node.service.requests.stream().filter(PutRequest.class::isInstance)
                .map(r -> ((PutRequest) r).sloppy()).toList());
        assertEquals(expected, node.service.requests.stream().filter(DeleteRequest.class::isInstance)
                .map(r -> ((DeleteRequest) r).sloppy()).toList());
        assertEquals(new DeleteRequest(Key.of("k"), Optional.empty(), OptionalInt.of(1), OptionalLong.of(9),
                Optional.of(false)), node.service.requests.getLast());
    }

    @Test
    void rejectsBadSloppyBeforeTheServiceOnEveryKeyRoute() {
        for (String query : List.of("sloppy=yes", "sloppy=TRUE", "sloppy=1", "sloppy=", "sloppy",
                "sloppy=true&sloppy=true", "sloppy=false&sloppy=true")) {
            String path = "/kv/k?" + query;
            for (RunningApi.Answer answer : List.of(node.get(path), node.put(path, "{\"value\": 1}"),
                    node.delete(path, null), node.delete(path, "{\"context\": \"v1\"}"))) {
                JsonNode error = assertError(answer, 400, "invalid_parameter");
                assertTrue(error.get("message").asText().contains("sloppy"), error.toString());
            }
        }
        // Parameters are checked before the body, so a bad body does not hide a bad sloppy.
        assertError(node.put("/kv/k?sloppy=maybe", "not json"), 400, "invalid_parameter");
        assertTrue(node.service.requests.isEmpty(), () -> node.service.requests.toString());
        // The replicas route does not use sloppy, so it ignores it like any unknown parameter.
        assertEquals(200, node.get("/kv/k/replicas?sloppy=maybe&sloppy=twice").status());
    }

    @Test
    void rejectsBodiesThatAreNotAValueObjectAndStoresNothing() {
        node.put("/kv/k", "{\"value\": \"kept\"}");
        var before = node.service.snapshot();
        int requests = node.service.requests.size();
        for (String body : List.of("", "nope", "[]", "{\"context\": \"v1\"}", "{\"value\": 1} trailing",
                "{\"value\": 1, \"value\": 2}", "{\"value\": 1, \"context\": 7}", "{\"value\": }", "{\"value\": 1")) {
            assertError(node.put("/kv/k", body), 400, "invalid_json");
        }
        assertError(node.put("/kv/k", "{\"value\": \"" + "x".repeat(1023) + "\"}"), 413, "value_too_large");
        assertEquals(before, node.service.snapshot());
        assertEquals(requests, node.service.requests.size());
    }

    @Test
    void ignoresUnknownBodyFieldsAndTheContentType() {
        RunningApi.Answer answer = node.send(HttpRequest.newBuilder(node.uri("/kv/k"))
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"extra\": {\"deep\": [1]}, \"value\": 5}"))
                .build());
        assertEquals(200, answer.status(), answer.body());
        try (RawHttp http = new RawHttp(node.port)) {
            String body = "{\"value\": 6}";
            http.write("PUT /kv/k2 HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertEquals(200, http.read().status());
        }
        assertEquals("[6]", node.get("/kv/k2").json().get("values").toString());
    }

    static JsonNode assertError(RunningApi.Answer answer, int status, String code) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/json", answer.header("Content-Type"));
        JsonNode json = answer.json();
        assertEquals(code, json.get("error").asText(), answer.body());
        assertInstanceOf(String.class, json.get("message").asText());
        assertFalse(json.get("message").asText().isBlank());
        return json;
    }
}
