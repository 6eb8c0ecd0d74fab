package io.kvorum.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The one place where results become status codes and bodies (api.md's table): service results,
 * cluster views and every error the router raises.
 */
final class Responses {
    private final JsonText json = new JsonText();

    /** GET: 200 with every live sibling's exact JSON text, 404 {@code not_found}, or 503. */
    Reply read(Key key, GetResult result) {
        return switch (result) {
            case GetResult.Found found -> Reply.ok(json.render(out -> {
                out.writeStartObject();
                out.writeStringField("key", key.text());
                out.writeArrayFieldStart("values");
                for (Bytes value : found.valuesJson()) {
                    out.writeRawValue(value.utf8String());
                }
                out.writeEndArray();
                out.writeStringField("context", found.context());
                out.writeEndObject();
            }));
            case GetResult.NotFound notFound -> error(notFoundError(notFound.context()));
            case GetResult.Unavailable(int required, int acknowledged) -> error(quorumError(required, acknowledged));
        };
    }

    /** PUT and DELETE: 200 with the new version's context and receipts, 503, or 400 {@code invalid_context}. */
    Reply written(Key key, WriteResult result) {
        return switch (result) {
            case WriteResult.Written written -> Reply.ok(json.render(out -> {
                out.writeStartObject();
                out.writeStringField("key", key.text());
                out.writeStringField("context", written.context());
                out.writeArrayFieldStart("replicas");
                for (Receipt receipt : written.replicas()) {
                    writeReceipt(out, receipt);
                }
                out.writeEndArray();
                out.writeEndObject();
            }));
            case WriteResult.Unavailable(int required, int acknowledged) -> error(quorumError(required, acknowledged));
            case WriteResult.InvalidContext(String message) -> error(ApiError.of(ErrorCode.INVALID_CONTEXT,
                    message == null || message.isBlank() ? "the context could not be decoded" : message));
        };
    }

    Reply replicas(ReplicasView view) {
        return Reply.ok(json.render(out -> {
            out.writeStartObject();
            out.writeStringField("key", view.key().text());
            out.writeArrayFieldStart("preference_list");
            for (NodeId id : view.preferenceList()) {
                out.writeString(id.value());
            }
            out.writeEndArray();
            out.writeNumberField("n", view.n());
            out.writeEndObject();
        }));
    }

    Reply health(NodeId self) {
        return Reply.ok(json.render(out -> {
            out.writeStartObject();
            out.writeStringField("status", "ok");
            out.writeStringField("node", self.value());
            out.writeEndObject();
        }));
    }

    Reply members(MembersView view) {
        return Reply.ok(json.render(out -> {
            out.writeStartObject();
            out.writeStringField("self", view.self().value());
            out.writeArrayFieldStart("members");
            for (MembersView.Member member : view.members()) {
                writeMember(out, member);
            }
            out.writeEndArray();
            out.writeEndObject();
        }));
    }

    /** {@code /cluster/ring}; with {@code withTokens} also the partitioner and each owner's tokens. */
    Reply ring(RingView view, boolean withTokens) {
        return Reply.ok(json.render(out -> {
            out.writeStartObject();
            out.writeNumberField("vnodes_per_node", view.vnodesPerNode());
            out.writeNumberField("n", view.n());
            if (withTokens) {
                out.writeStringField("partitioner", view.partitioner());
            }
            out.writeArrayFieldStart("owners");
            for (RingView.Owner owner : view.owners()) {
                out.writeStartObject();
                out.writeStringField("id", owner.id().value());
                out.writeNumberField("share", owner.share());
                if (withTokens) {
                    // Strings, not numbers: a signed 64-bit token does not survive a JavaScript double.
                    out.writeArrayFieldStart("tokens");
                    for (long token : owner.tokens()) {
                        out.writeString(Long.toString(token));
                    }
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }));
    }

    /** {@code /metrics}: a body that is already JSON. */
    Reply metrics(Bytes registryJson) {
        return Reply.ok(registryJson);
    }

    /** Any error: its status, {@code {"error", "message"}} and the extra fields, in order. */
    Reply error(ApiError error) {
        Bytes body = json.render(out -> {
            out.writeStartObject();
            out.writeStringField("error", error.code().wire());
            out.writeStringField("message", error.message());
            for (Map.Entry<String, Object> field : error.extra().entrySet()) {
                out.writeFieldName(field.getKey());
                switch (field.getValue()) {
                    case String text -> out.writeString(text);
                    case Integer number -> out.writeNumber(number);
                    case Long number -> out.writeNumber(number);
                    default -> throw new IllegalStateException("unexpected extra " + field);
                }
            }
            out.writeEndObject();
        });
        return new Reply(error.code().status(), body, Optional.of(error.code()), new LinkedHashMap<>());
    }

    Reply noSuchRoute(String method, String path) {
        return error(ApiError.of(ErrorCode.NO_SUCH_ROUTE, "there is no route " + method + " " + abbreviate(path)
                + "; see /health, /kv/{key}, /kv/{key}/replicas, /cluster/members, /cluster/ring, /metrics"));
    }

    Reply methodNotAllowed(String method, List<String> allowed) {
        String allow = String.join(", ", allowed);
        return error(ApiError.of(ErrorCode.METHOD_NOT_ALLOWED,
                "method " + method + " is not allowed here; allowed: " + allow)).withHeader("Allow", allow);
    }

    Reply shuttingDown() {
        return error(ApiError.of(ErrorCode.UNAVAILABLE, "node is shutting down")).closing();
    }

    /** The router's own ceiling passed: the service never answered (a bug or a stuck node). */
    Reply serviceSilent(long ceilingMillis) {
        return error(ApiError.of(ErrorCode.UNAVAILABLE,
                "the node did not answer within " + ceilingMillis + " ms"));
    }

    Reply internal() {
        return error(ApiError.of(ErrorCode.INTERNAL, "internal error; the node logged the details"));
    }

    /** 413 for a request body past the body limit, answered before it is read; the connection closes. */
    Reply bodyTooLarge(int bodyBytesMax, int valueBytesMax) {
        return error(ApiError.of(ErrorCode.VALUE_TOO_LARGE, "request body is larger than " + bodyBytesMax
                + " bytes (the value limit of " + valueBytesMax + " bytes plus "
                + HttpApiSettings.BODY_OVERHEAD_BYTES + " bytes for the context and JSON framing)")
                .with("limit", valueBytesMax)).closing();
    }

    private static ApiError notFoundError(Optional<String> context) {
        ApiError error = ApiError.of(ErrorCode.NOT_FOUND, "no replica that answered holds a live value for this key");
        return context.map(c -> error.with("context", c)).orElse(error);
    }

    private static ApiError quorumError(int required, int acknowledged) {
        return ApiError.of(ErrorCode.UNAVAILABLE, "only " + acknowledged + " of the " + required
                        + " required replicas answered in time")
                .with("required", required)
                .with("acknowledged", acknowledged);
    }

    /** {@code {"node", "role"}}, plus {@code "for"} (the owner of the hint) for a fallback. */
    private static void writeReceipt(JsonGenerator out, Receipt receipt) throws IOException {
        out.writeStartObject();
        out.writeStringField("node", receipt.node().value());
        out.writeStringField("role", receipt.role().wire());
        if (receipt.forOwner().isPresent()) {
            out.writeStringField("for", receipt.forOwner().get().value());
        }
        out.writeEndObject();
    }

    private static void writeMember(JsonGenerator out, MembersView.Member member) throws IOException {
        out.writeStartObject();
        out.writeStringField("id", member.id().value());
        out.writeStringField("http", member.http());
        out.writeStringField("status", member.status().wire());
        OptionalDouble phi = member.phi();
        out.writeFieldName("phi");
        if (phi.isPresent() && Double.isFinite(phi.getAsDouble())) {
            out.writeNumber(phi.getAsDouble());
        } else {
            // JSON has no infinity: a detector whose figure overflowed shows null, and status says "down".
            out.writeNull();
        }
        out.writeEndObject();
    }

    /** Client text is echoed in messages; a 16 KiB path or parameter should not be echoed whole. */
    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
