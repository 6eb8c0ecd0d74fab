package io.kvorum.http;

import static io.kvorum.http.KvRoutesIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Value and body limits, early 413s, and HTTP that never reaches a route. */
class LimitsIT {
    private static final int VALUE_BYTES_MAX = 1024;
    private static final int BODY_BYTES_MAX = VALUE_BYTES_MAX + 64 * 1024;

    private final RunningApi node = RunningApi.small();

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void acceptsAValueOfExactlyTheLimitAndRejectsOneMoreByte() {
        String atLimit = "\"" + "a".repeat(VALUE_BYTES_MAX - 2) + "\"";
        assertEquals(200, node.put("/kv/k", "{\"value\":" + atLimit + "}").status());
        assertTrue(node.get("/kv/k").body().contains(atLimit));
        var before = node.service.snapshot();
        JsonNode error = assertError(node.put("/kv/k", "{\"value\":\"" + "a".repeat(VALUE_BYTES_MAX - 1) + "\"}"),
                413, "value_too_large");
        assertEquals(VALUE_BYTES_MAX, error.get("limit").asInt());
        assertEquals(before, node.service.snapshot());
    }

    @Test
    void aBodyJustUnderTheBodyLimitIsReadAndItsValueJudged() {
        String padding = "p".repeat(BODY_BYTES_MAX - 40);
        String body = "{\"value\": 1, \"pad\": \"" + padding + "\"}";
        assertTrue(body.length() <= BODY_BYTES_MAX);
        assertEquals(200, node.put("/kv/k", body).status());
        assertError(node.put("/kv/k", "{\"value\": 1, \"pad\": \"" + "p".repeat(BODY_BYTES_MAX) + "\"}"),
                413, "value_too_large");
    }

    @Test
    void aHugeContentLengthIsRejectedBeforeTheBodyIsSent() {
        try (RawHttp http = new RawHttp(node.port)) {
            http.write("PUT /kv/k HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000000\r\n\r\n");
            RawHttp.Response response = http.read();
            assertEquals(413, response.status());
            assertEquals("close", response.headers().get("connection"));
            assertTrue(response.body().contains("\"value_too_large\""), response.body());
            assertTrue(response.body().contains("\"limit\":" + VALUE_BYTES_MAX), response.body());
            assertTrue(http.closedByServer());
        }
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void anExpectContinueClientIsAnswered413WithoutSendingItsBody() {
        RunningApi.Answer answer = node.send(HttpRequest.newBuilder(node.uri("/kv/k"))
                .expectContinue(true)
                .timeout(Duration.ofSeconds(20))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": \"" + "x".repeat(BODY_BYTES_MAX) + "\"}"))
                .build());
        assertError(answer, 413, "value_too_large");
        RunningApi.Answer ok = node.send(HttpRequest.newBuilder(node.uri("/kv/k"))
                .expectContinue(true)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"value\": 2}"))
                .build());
        assertEquals(200, ok.status(), ok.body());
    }

    @Test
    void anEarlyRejectionOfAnExpectContinueRequestClosesTheConnection() {
        try (RawHttp http = new RawHttp(node.port)) {
            http.write("PUT /kv/%FF HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 12\r\n\r\n");
            RawHttp.Response response = http.read();
            assertEquals(400, response.status());
            assertEquals("close", response.headers().get("connection"));
            assertTrue(http.closedByServer());
        }
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void aChunkedBodyIsRejectedAsSoonAsItPassesTheLimit() {
        try (RawHttp http = new RawHttp(node.port)) {
            http.write("PUT /kv/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = chunk(("{\"value\": \"" + "z".repeat(4096)).substring(0, 4096));
            int sent = 0;
            // Pass the limit by a few chunks, and never send the last chunk: only an early answer can arrive.
            while (sent <= BODY_BYTES_MAX + 3 * 4096 && http.tryWrite(chunk)) {
                sent += 4096;
            }
            RawHttp.Response response = http.read();
            assertEquals(413, response.status());
            assertTrue(response.body().contains("\"value_too_large\""), response.body());
            assertTrue(http.closedByServer());
        }
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void aSmallChunkedBodyIsAccepted() {
        try (RawHttp http = new RawHttp(node.port)) {
            byte[] body = "{\"value\": [1, 2]}".getBytes(StandardCharsets.UTF_8);
            http.write("PUT /kv/chunky HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            http.write(chunk(new String(Arrays.copyOfRange(body, 0, 5), StandardCharsets.UTF_8)));
            http.write(chunk(new String(Arrays.copyOfRange(body, 5, body.length), StandardCharsets.UTF_8)));
            http.write("0\r\n\r\n");
            assertEquals(200, http.read().status());
            // Same connection, next request: keep-alive survives a normal exchange.
            http.write("GET /kv/chunky HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response get = http.read();
            assertTrue(get.body().contains("\"values\":[[1, 2]]"), get.body());
        }
    }

    @Test
    void anEarlyRejectionDrainsTheBodyAndKeepsTheConnection() {
        try (RawHttp http = new RawHttp(node.port)) {
            String body = "{\"value\": \"" + "b".repeat(500) + "\"}";
            http.write("PUT /kv/%FF HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertEquals(400, http.read().status());
            http.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, http.read().status());
        }
    }

    @Test
    void theDefaultLimitIsOneMebibyte() {
        try (RunningApi big = new RunningApi(HttpApiSettings.defaults("127.0.0.1", 0))) {
            int limit = 1024 * 1024;
            assertEquals(limit, HttpApiSettings.VALUE_BYTES_MAX_DEFAULT);
            String atLimit = "\"" + "m".repeat(limit - 2) + "\"";
            assertEquals(200, big.put("/kv/big", "{\"value\":" + atLimit + "}").status());
            assertEquals(limit + "{\"key\":\"big\",\"values\":[],\"context\":\"v1\"}".length(), big.get("/kv/big").body().length());
            JsonNode error = assertError(big.put("/kv/big", "{\"value\":\"" + "m".repeat(limit - 1) + "\"}"),
                    413, "value_too_large");
            assertEquals(limit, error.get("limit").asInt());
        }
    }

    @Test
    void malformedHttpGetsAJsonErrorAndTheNodeStaysUp() {
        String[] garbage = {
            "GARBAGE\r\n\r\n",
            "GET /kv/" + "k".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(10_000) + "\r\n\r\n",
            "PUT /kv/k HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        };
        int[] statuses = {400, 414, 431, 400};
        String[] codes = {"bad_request", "uri_too_long", "headers_too_large", "bad_request"};
        for (int i = 0; i < garbage.length; i++) {
            try (RawHttp http = new RawHttp(node.port)) {
                http.write(garbage[i]);
                RawHttp.Response response = http.read();
                assertEquals(statuses[i], response.status(), Responses.abbreviate(garbage[i]));
                assertEquals("application/json", response.headers().get("content-type"));
                assertTrue(response.body().contains("\"error\":\"" + codes[i] + "\""), response.body());
                assertTrue(http.closedByServer());
            }
        }
        assertEquals(200, node.get("/health").status());
        assertTrue(node.service.requests.isEmpty());
    }

    @Test
    void rawUtf8InThePathIsReadAsUtf8() {
        try (RawHttp http = new RawHttp(node.port)) {
            byte[] head = "PUT /kv/caf\u00e9 HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n{\"value\": 1}"
                    .getBytes(StandardCharsets.UTF_8);
            http.write(head);
            RawHttp.Response response = http.read();
            assertEquals(200, response.status(), response.body());
            assertTrue(response.body().contains("\"key\":\"café\""), response.body());
        }
    }

    private static byte[] chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        byte[] head = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + bytes.length + 2];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bytes, 0, all, head.length, bytes.length);
        all[all.length - 2] = '\r';
        all[all.length - 1] = '\n';
        return all;
    }
}
