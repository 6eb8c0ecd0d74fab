package io.kvorum.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kvorum.common.NodeId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The membership routes of api.md: {@code POST /cluster/leave}, {@code POST /cluster/remove/{node}}
 * and {@code GET /cluster/transfers}. The node decides; this class renders.
 */
final class MembershipRoutes {
    private final Vertx vertx;
    private final KvService service;
    private final Responses responses;
    private final JsonText json = new JsonText();

    MembershipRoutes(Vertx vertx, KvService service, Responses responses) {
        this.vertx = vertx;
        this.service = service;
        this.responses = responses;
    }

    void transfers(HttpRoundTrip exchange) {
        exchange.send(Reply.ok(json.render(out -> {
            out.writeStartObject();
            writeTransfers(out, service.transfers());
            out.writeEndObject();
        })));
    }

    /** The {@code "transfers"} array, also part of {@code /cluster/status}. */
    static void writeTransfers(JsonGenerator out, List<ClusterChange.Transfer> transfers) throws IOException {
        out.writeArrayFieldStart("transfers");
        for (ClusterChange.Transfer transfer : transfers) {
            out.writeStartObject();
            out.writeArrayFieldStart("range");
            out.writeNumber(transfer.fromToken());
            out.writeNumber(transfer.toToken());
            out.writeEndArray();
            if (transfer.from().isPresent()) {
                out.writeStringField("from", transfer.from().get().value());
            } else {
                out.writeNullField("from");
            }
            out.writeStringField("to", transfer.to().value());
            out.writeStringField("reason", transfer.reason());
            out.writeStringField("state", transfer.state());
            out.writeNumberField("keys", transfer.keys());
            out.writeNumberField("bytes", transfer.bytes());
            out.writeNumberField("bytes_per_s", Math.round(transfer.bytesPerSecond() * 10) / 10.0);
            if (transfer.etaSeconds().isPresent()) {
                out.writeNumberField("eta_s", transfer.etaSeconds().getAsLong());
            } else {
                out.writeNullField("eta_s");
            }
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    void leave(HttpRoundTrip exchange) {
        answer(exchange, service::leave, "leaving");
    }

    void remove(HttpRoundTrip exchange, String rawNode) {
        String id = PercentEncoding.decode(rawNode, false)
                .map(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).orElse(null);
        if (id == null || !NodeId.isValid(id)) {
            exchange.send(responses.error(ApiError.of(ErrorCode.INVALID_PARAMETER,
                    "'" + truncate(rawNode) + "' in /cluster/remove/{node} is not a node id")));
            return;
        }
        answer(exchange, () -> service.remove(NodeId.of(id)), "removing");
    }

    private void answer(HttpRoundTrip exchange, Supplier<CompletionStage<ClusterChange.Answer>> call, String status) {
        Context context = vertx.getOrCreateContext();
        Future.fromCompletionStage(call.get(), context).onComplete(result -> {
            if (result.failed()) {
                exchange.fail(result.cause());
                return;
            }
            ClusterChange.Answer answer = result.result();
            if (answer.refusal().isPresent()) {
                exchange.send(responses.error(ApiError.of(refusal(answer.refusal().get()), answer.message())
                        .with("node", answer.node().value())));
                return;
            }
            exchange.send(new Reply(202, json.render(out -> {
                out.writeStartObject();
                out.writeStringField("node", answer.node().value());
                out.writeStringField("status", status);
                out.writeStringField("message", answer.message());
                out.writeEndObject();
            }), java.util.Optional.empty(), new java.util.LinkedHashMap<>()));
        });
    }

    private static ErrorCode refusal(String code) {
        return switch (code) {
            case "unknown_node" -> ErrorCode.UNKNOWN_NODE;
            case "node_reachable" -> ErrorCode.NODE_REACHABLE;
            case "too_few_nodes" -> ErrorCode.TOO_FEW_NODES;
            case "not_up" -> ErrorCode.NOT_UP;
            case "change_in_flight" -> ErrorCode.CHANGE_IN_FLIGHT;
            default -> ErrorCode.NOT_SUPPORTED;
        };
    }

    private static String truncate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }
}
