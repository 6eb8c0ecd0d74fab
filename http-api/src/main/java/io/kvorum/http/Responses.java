package io.kvorum.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.io.IOException;
import java.util.ArrayList;
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
    /** Seconds a client should wait before retrying a request refused as overloaded. */
    static final String RETRY_AFTER_SECONDS = "1";
    private final JsonText json = new JsonText();

    /** GET: 200 with every live sibling's exact JSON text, 404 {@code not_found}, or 503. */
    Reply read(Key key, GetResult result) {
        return switch (result) {
            case GetResult.Found found -> Reply.ok(json.render(out -> {
                out.writeStartObject();
                out.writeStringField("key", key.text());
                out.writeArrayFieldStart("values");
                for (Bytes value : found.valuesJson()) {
                    out.writeRawValue(new RawJson(value));
                }
                out.writeEndArray();
                out.writeStringField("context", found.context());
                out.writeEndObject();
            }));
            case GetResult.NotFound notFound -> error(notFoundError(notFound.context()));
            case GetResult.Unavailable(int required, int acknowledged, QuorumShortfall shortfall) ->
                    error(quorumError(false, required, acknowledged, shortfall));
        };
    }

    /**
     * PUT and DELETE: 200 with the new version's context and receipts, 503, 400 {@code invalid_context},
     * or 409 / 413 for a key limit.
     */
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
            case WriteResult.Unavailable(int required, int acknowledged, QuorumShortfall shortfall) ->
                    error(quorumError(true, required, acknowledged, shortfall));
            case WriteResult.LimitExceeded exceeded -> error(limitError(exceeded));
            case WriteResult.InvalidContext(String message) -> error(ApiError.of(ErrorCode.INVALID_CONTEXT,
                    message == null || message.isBlank() ? "the context could not be decoded" : message));
        };
    }

    /**
     * PATCH: as a PUT once the patched value was written (or its write failed); 409 {@code conflict}
     * with the siblings and their context; 413 when the patched value is too large; 503 when the read failed.
     */
    Reply patched(Key key, PatchResult result) {
        return switch (result) {
            case PatchResult.Write(WriteResult write) -> written(key, write);
            case PatchResult.Conflict conflict -> conflict(conflict);
            case PatchResult.ReadUnavailable(int required, int acknowledged, QuorumShortfall shortfall) -> {
                ApiError read = quorumError(false, required, acknowledged, shortfall);
                yield error(new ApiError(read.code(), "the read before the patch failed, nothing was written: " + read.message(),
                        read.extra()));
            }
            case PatchResult.TooLarge(long bytes, long limitBytes) -> error(ApiError.of(ErrorCode.VALUE_TOO_LARGE,
                    "the patched value would be " + bytes + " bytes of JSON text; the limit is " + limitBytes
                            + " bytes; nothing was written").with("limit", limitBytes));
        };
    }

    /** 409 {@code conflict}: the usual error fields plus {@code values} (every sibling) and {@code context}. */
    private Reply conflict(PatchResult.Conflict conflict) {
        ErrorCode code = ErrorCode.CONFLICT;
        String message = conflict.changedSinceContext()
                ? "the key changed since the read that returned the request's context; nothing was written. Read it"
                        + " again (or use this answer's values and context) and retry"
                : "the key holds " + conflict.valuesJson().size() + " siblings, so there is no one value to patch; nothing"
                        + " was written. Merge them and PUT the result with this context, then patch";
        Bytes body = json.render(out -> {
            out.writeStartObject();
            out.writeStringField("error", code.wire());
            out.writeStringField("message", message);
            out.writeArrayFieldStart("values");
            for (Bytes value : conflict.valuesJson()) {
                out.writeRawValue(new RawJson(value));
            }
            out.writeEndArray();
            out.writeStringField("context", conflict.context());
            out.writeEndObject();
        });
        return new Reply(code.status(), body, Optional.of(code), new LinkedHashMap<>());
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
                out.writeNumberField("share", roundedShare(owner.share()));
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

    /** A write refused by a per-key limit: which limit, the numbers, and how to bring the key back. */
    static ApiError limitError(WriteResult.LimitExceeded exceeded) {
        String limit = exceeded.limit().configKey();
        ApiError error = switch (exceeded.limit()) {
            case SIBLINGS -> ApiError.of(ErrorCode.TOO_MANY_SIBLINGS, "the write would leave " + exceeded.actual()
                    + " siblings on this key, more than " + limit + " (" + exceeded.max() + "); nothing was stored. Read the key"
                    + " and write with the context of that read to resolve its siblings, which is always accepted");
            case BYTES -> ApiError.of(ErrorCode.KEY_TOO_LARGE, "the write would grow this key to " + exceeded.actual()
                    + " bytes, more than " + limit + " (" + exceeded.max() + "); nothing was stored. Read the key and write"
                    + " with the context of that read to replace its siblings with one value");
        };
        // "limit" is a number, as in every 413 body (api-reference.md decision 16); "setting" names it.
        return error.with("limit", exceeded.max()).with("actual", exceeded.actual()).with("setting", limit);
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
                + "; see /health, /kv/{key}, /kv/{key}/replicas, /cluster/members, /cluster/ring, /cluster/status, /node/status, /metrics, /metrics/prometheus, /admin/request-log, /ui"));
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

    /** 401: no token, or one this node does not know; RFC 6750's challenge says which. */
    Reply unauthorized(String message, boolean tokenPresented) {
        return error(ApiError.of(ErrorCode.UNAUTHORIZED, message)).withHeader("WWW-Authenticate",
                tokenPresented ? "Bearer realm=\"kvorum\", error=\"invalid_token\"" : "Bearer realm=\"kvorum\"");
    }

    /** 403: a valid token without the role the request needs. */
    Reply forbidden(String method, Role needed) {
        return error(ApiError.of(ErrorCode.FORBIDDEN, "this token may not " + method + " here: that needs the role '"
                + needed.wire() + "'").with("role", needed.wire()))
                .withHeader("WWW-Authenticate", "Bearer realm=\"kvorum\", error=\"insufficient_scope\", scope=\"" + needed.wire() + "\"");
    }

    /**
     * 503 {@code overloaded}: a bound of this node ({@code setting}, at {@code max}) refused the request
     * before any work was done, so a retry after {@code Retry-After} seconds is safe.
     */
    Reply overloaded(String what, String setting, int max) {
        return error(ApiError.of(ErrorCode.OVERLOADED, "the node is overloaded: " + what + ", the most " + setting
                + " (" + max + ") allows; nothing was done, retry later").with("limit", max).with("setting", setting))
                .withHeader("Retry-After", RETRY_AFTER_SECONDS);
    }

    /** 408: the client did not send its request's head or body within the deadline ({@code setting}). */
    Reply requestTimeout(String what, String setting, long millis) {
        return error(ApiError.of(ErrorCode.REQUEST_TIMEOUT, "the request's " + what + " did not arrive within " + millis
                + " ms (" + setting + "); the connection is closed")).closing();
    }

    /** 505 for a request line naming any HTTP version but 1.0 and 1.1. */
    Reply versionNotSupported(String version) {
        return error(ApiError.of(ErrorCode.HTTP_VERSION_NOT_SUPPORTED, "HTTP version " + abbreviate(version)
                + " is not supported; this node speaks HTTP/1.1 and HTTP/1.0")).closing();
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

    /**
     * 503 {@code unavailable}, or 507 {@code insufficient_storage} when full disks alone made the
     * write fail. The message says what happened (issue 19): whether the coordinator waited for the
     * deadline or gave up at once because too few replicas could take part, which nodes failed and
     * why, and how many replicas had acknowledged when it answered (a write may land on more later).
     */
    static ApiError quorumError(boolean write, int required, int acknowledged, QuorumShortfall shortfall) {
        String replied = write ? "acknowledged" : "answered";
        String counted = acknowledged + " of the " + required + " required replicas had " + replied;
        String message;
        if (write && shortfall.stored() == QuorumShortfall.Stored.UNKNOWN) {
            return ApiError.of(ErrorCode.UNAVAILABLE, "timed out: the replica that coordinated the write did not answer before"
                    + " the deadline, so how many replicas stored it is unknown (it may be stored)"
                    + (shortfall.refusals().isEmpty() ? "" : "; failed before it: " + refusals(shortfall)))
                    .with("required", required)
                    .with("acknowledged", acknowledged);
        } else if (shortfall.diskFull()) {
            message = "not enough storage: " + refusals(shortfall) + "; " + counted + " when the coordinator gave up";
        } else if (shortfall.timedOut()) {
            message = "timed out: " + counted + " when the deadline passed"
                    + (shortfall.refusals().isEmpty() ? "" : "; failed: " + refusals(shortfall));
        } else {
            message = "gave up before the deadline, as too few replicas could " + (write ? "take the write" : "answer")
                    + ": " + (shortfall.refusals().isEmpty() ? "fewer healthy nodes than the quorum" : refusals(shortfall))
                    + "; " + counted + " by then";
        }
        if (write) {
            message += storedNote(acknowledged, shortfall.stored());
        }
        return ApiError.of(shortfall.diskFull() ? ErrorCode.INSUFFICIENT_STORAGE : ErrorCode.UNAVAILABLE, message)
                .with("required", required)
                .with("acknowledged", acknowledged);
    }

    private static String storedNote(int acknowledged, QuorumShortfall.Stored stored) {
        if (stored == QuorumShortfall.Stored.NOTHING) {
            return " (nothing was stored: no replica was sent the write)";
        }
        return acknowledged > 0 ? " (the write is stored where it was acknowledged, and may reach other replicas)"
                : " (the write may still be stored on replicas that did not refuse it)";
    }

    /** "node-3: unreachable (...); node-2: its disk is full (...)", each reason abbreviated. */
    private static String refusals(QuorumShortfall shortfall) {
        List<String> parts = new ArrayList<>();
        for (QuorumShortfall.Refusal refusal : shortfall.refusals()) {
            parts.add(refusal.node().value() + ": " + (refusal.diskFull() ? "its disk is full (" + abbreviate(refusal.reason()) + ")"
                    : abbreviate(refusal.reason())));
        }
        return String.join("; ", parts);
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
        out.writeStringField("internode", member.internode());
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

    /**
     * A share to 4 decimals: a sum of token ranges over 2^64 prints as 0.19999999999999996 unrounded,
     * and 0.0001 (a ten-thousandth of the ring) is finer than any vnode count makes meaningful.
     */
    static double roundedShare(double share) {
        return Math.round(share * 10_000) / 10_000.0;
    }

    /** Client text is echoed in messages; a 16 KiB path or parameter should not be echoed whole. */
    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }
}
