package io.kvorum.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvorum.common.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /admin/request-log} answers {@code {"enabled": <bool>}}; {@code PUT} with the body
 * {@code {"enabled": true|false}} switches request logging on this node and answers the same. A body
 * that is not that object is {@code 400 invalid_json} and changes nothing.
 */
final class RequestLogAdmin {
    /** The body is one small object; anything larger is not a switch. */
    private static final int BODY_BYTES_MAX = 1024;

    private final RequestLog log;
    private final Responses responses;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Reply tooLarge;

    RequestLogAdmin(RequestLog log, Responses responses) {
        this.log = log;
        this.responses = responses;
        this.tooLarge = responses.error(ApiError.of(ErrorCode.INVALID_JSON,
                "the body must be {\"enabled\": true} or {\"enabled\": false}, at most " + BODY_BYTES_MAX + " bytes"));
    }

    void handle(HttpRoundTrip exchange, String method) {
        if (method.equals("GET")) {
            exchange.send(state());
            return;
        }
        BodyReader.read(exchange, BODY_BYTES_MAX, tooLarge, body -> {
            switch (parse(body)) {
                case Validated.Invalid<Boolean>(ApiError error) -> exchange.send(responses.error(error));
                case Validated.Valid<Boolean>(Boolean enabled) -> {
                    log.enable(enabled);
                    exchange.send(state());
                }
            }
        });
    }

    private Reply state() {
        return Reply.ok(Bytes.utf8("{\"enabled\":" + log.enabled() + "}"));
    }

    private Validated<Boolean> parse(byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            return Validated.invalid(ApiError.of(ErrorCode.INVALID_JSON, "the body is not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array failed", e);
        }
        JsonNode enabled = root == null ? null : root.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            return Validated.invalid(ApiError.of(ErrorCode.INVALID_JSON,
                    "the body must be {\"enabled\": true} or {\"enabled\": false}"));
        }
        return Validated.valid(enabled.booleanValue());
    }
}
