package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvorum.common.Bytes;
import io.kvorum.common.NodeId;
import io.kvorum.config.ConfigException;
import io.kvorum.config.HostPort;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The read-only operations routes: {@code /node/status}, {@code /cluster/status},
 * {@code /cluster/transfers}, {@code /context/{context}} and the dashboard at {@code /ui}.
 *
 * <p>{@code /cluster/status} is assembled by the node that is asked: its own view of the members and
 * the ring, plus each member's {@code /node/status}, fetched over HTTP from the member's advertised
 * address (in parallel, each bounded by {@link #PEER_TIMEOUT_MILLIS}). So an operator, the admin
 * tool or the dashboard needs to reach only one node; a member that cannot be reached is listed
 * with the reason instead of its figures, and the answer is still 200.
 */
final class OpsRoutes {
    /** How long a member may take to report its own figures before it is listed as unreachable. */
    static final long PEER_TIMEOUT_MILLIS = 2_000;
    /** Fan-out requests to members that may wait for a pooled connection; past it they fail at once. */
    private static final int PEER_WAIT_QUEUE_MAX = 64;
    /** The dashboard page, a classpath resource of the node's jar (no CDN, nothing fetched from outside). */
    static final String DASHBOARD_RESOURCE = "kvorum-ui/index.html";
    private static final String[] OPERATIONS = {"get", "put", "delete"};

    private final Vertx vertx;
    private final KvService service;
    private final MetricRegistry registry;
    private final Responses responses;
    private final JsonText json = new JsonText();
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClientAgent client;
    private final Bytes dashboardPage;

    OpsRoutes(Vertx vertx, KvService service, Responses responses) {
        this.vertx = vertx;
        this.service = service;
        this.registry = service.metrics();
        this.responses = responses;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                        .setConnectTimeout((int) PEER_TIMEOUT_MILLIS)
                        .setIdleTimeout((int) PEER_TIMEOUT_MILLIS).setIdleTimeoutUnit(TimeUnit.MILLISECONDS),
                // A bounded wait queue: each /cluster/status call asks every member, so a burst of them must
                // fail fast (the member shows "report": null) instead of queueing without end.
                new PoolOptions().setHttp1MaxSize(2).setMaxWaitQueueSize(PEER_WAIT_QUEUE_MAX));
        this.dashboardPage = readDashboard();
    }

    void ownStatus(HttpRoundTrip exchange) {
        exchange.send(Reply.ok(nodeStatusJson()));
    }

    void decodeContext(HttpRoundTrip exchange, String rawContext) {
        exchange.send(switch (service.decodeContext(rawContext)) {
            case ContextView.Invalid(String message) -> responses.error(ApiError.of(ErrorCode.INVALID_CONTEXT, message));
            case ContextView.Decoded decoded -> Reply.ok(json.render(out -> writeContext(out, rawContext, decoded)));
        });
    }

    void dashboard(HttpRoundTrip exchange) {
        if (dashboardPage == null) {
            exchange.send(responses.error(ApiError.of(ErrorCode.NO_SUCH_ROUTE,
                    "this build has no dashboard (" + DASHBOARD_RESOURCE + " is not on the class path)")));
            return;
        }
        exchange.send(Reply.ok(dashboardPage)
                .withHeader("Content-Type", "text/html; charset=utf-8")
                .withHeader("Cache-Control", "no-cache"));
    }

    /** The page, read once at start-up rather than from the jar on the event loop per request; null when absent. */
    private static Bytes readDashboard() {
        try (InputStream page = OpsRoutes.class.getClassLoader().getResourceAsStream(DASHBOARD_RESOURCE)) {
            return page == null ? null : Bytes.wrapOwned(page.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + DASHBOARD_RESOURCE + " failed", e);
        }
    }

    /** Fans out to every other member for its own figures; answers once all replied or timed out. */
    void clusterStatus(HttpRoundTrip exchange) {
        MembersView members = service.members();
        RingView ring = service.ring();
        Bytes own = nodeStatusJson();
        List<Future<JsonNode>> reports = new ArrayList<>();
        for (MembersView.Member member : members.members()) {
            reports.add(member.id().equals(members.self()) ? Future.succeededFuture(parse(own)) : fetchStatus(member.http()));
        }
        Context context = vertx.getOrCreateContext(); // the request's event loop: the exchange is confined to it
        Future.join(reports).onComplete(done -> context.runOnContext(v -> exchange.guard(() ->
                exchange.send(Reply.ok(Bytes.wrapOwned(render(clusterJson(members, ring, reports))))))));
    }

    private Future<JsonNode> fetchStatus(String http) {
        HostPort address;
        try {
            address = HostPort.parse(http);
        } catch (ConfigException e) {
            return Future.failedFuture("its HTTP address '" + http + "' is not host:port");
        }
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(address.host()).setPort(address.port())
                .setURI("/node/status").setConnectTimeout(PEER_TIMEOUT_MILLIS).setIdleTimeout(PEER_TIMEOUT_MILLIS);
        return client.request(request)
                .compose(sent -> sent.send().compose(response -> response.statusCode() == 200
                        ? response.body()
                        : Future.failedFuture("it answered HTTP " + response.statusCode())))
                .timeout(PEER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .map(this::parse);
    }

    private ObjectNode clusterJson(MembersView members, RingView ring, List<Future<JsonNode>> reports) {
        ObjectNode root = mapper.createObjectNode();
        root.put("self", members.self().value());
        root.put("n", ring.n());
        root.put("vnodes_per_node", ring.vnodesPerNode());
        ArrayNode list = root.putArray("members");
        for (int i = 0; i < members.members().size(); i++) {
            MembersView.Member member = members.members().get(i);
            ObjectNode entry = list.addObject();
            entry.put("id", member.id().value());
            entry.put("status", member.status().wire());
            if (member.phi().isPresent() && Double.isFinite(member.phi().getAsDouble())) {
                entry.put("phi", member.phi().getAsDouble());
            } else {
                entry.putNull("phi");
            }
            entry.put("share", ring.owners().stream().filter(o -> o.id().equals(member.id()))
                    .mapToDouble(RingView.Owner::share).findFirst().orElse(0.0));
            entry.put("http", member.http());
            entry.put("internode", member.internode());
            Future<JsonNode> report = reports.get(i);
            if (report.succeeded()) {
                entry.set("report", report.result());
            } else {
                entry.putNull("report");
                entry.put("report_error", "no figures from " + member.id().value() + ": " + reason(report.cause()));
            }
        }
        ArrayNode transfers = root.putArray("transfers");
        for (ClusterChange.Transfer transfer : service.transfers()) {
            ObjectNode entry = transfers.addObject();
            entry.putArray("range").add(transfer.fromToken()).add(transfer.toToken());
            entry.put("from", transfer.from().map(NodeId::value).orElse(null));
            entry.put("to", transfer.to().value());
            entry.put("reason", transfer.reason());
            entry.put("state", transfer.state());
            entry.put("keys", transfer.keys());
            entry.put("bytes", transfer.bytes());
        }
        return root;
    }

    private static String reason(Throwable cause) {
        String message = cause == null ? null : cause.getMessage();
        return message == null || message.isBlank() ? String.valueOf(cause) : message;
    }

    private Bytes nodeStatusJson() {
        NodeStatus status = service.status();
        return json.render(out -> {
            out.writeStartObject();
            out.writeStringField("node", status.node().value());
            out.writeStringField("http", status.http());
            out.writeStringField("internode", status.internode());
            out.writeNumberField("keys", status.keys());
            writeHints(out, status.hints());
            writeAntiEntropy(out, status.antiEntropy());
            writeRequests(out);
            out.writeEndObject();
        });
    }

    private static void writeHints(JsonGenerator out, List<NodeStatus.HintQueue> hints) throws IOException {
        out.writeObjectFieldStart("hints");
        out.writeNumberField("pending", hints.stream().mapToLong(NodeStatus.HintQueue::pending).sum());
        out.writeArrayFieldStart("targets");
        for (NodeStatus.HintQueue queue : hints) {
            out.writeStartObject();
            out.writeStringField("target", queue.target().value());
            out.writeNumberField("pending", queue.pending());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private static void writeAntiEntropy(JsonGenerator out, NodeStatus.AntiEntropyStatus antiEntropy) throws IOException {
        out.writeObjectFieldStart("anti_entropy");
        out.writeBooleanField("enabled", antiEntropy.enabled());
        out.writeFieldName("oldest_sync_age_ms");
        long oldest = antiEntropy.ranges().stream().mapToLong(NodeStatus.RangeSync::ageMillis).max().orElse(-1);
        if (oldest < 0) {
            out.writeNull(); // no (peer, range) pair compared yet
        } else {
            out.writeNumber(oldest);
        }
        out.writeArrayFieldStart("ranges");
        for (NodeStatus.RangeSync range : antiEntropy.ranges()) {
            out.writeStartObject();
            out.writeStringField("peer", range.peer().value());
            // Tokens are 64-bit: as strings, so that JavaScript clients do not round them.
            out.writeArrayFieldStart("range");
            out.writeString(Long.toString(range.startExclusive()));
            out.writeString(Long.toString(range.endInclusive()));
            out.writeEndArray();
            out.writeNumberField("age_ms", range.ageMillis());
            out.writeBooleanField("synced_since_start", range.syncedSinceStart());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** Each operation's count, rate over the last minute and 99th percentile, from the router's timers. */
    private void writeRequests(JsonGenerator out) throws IOException {
        Map<String, Timer> timers = registry.getTimers();
        out.writeObjectFieldStart("requests");
        for (String operation : OPERATIONS) {
            Timer timer = timers.get("kv." + operation);
            out.writeObjectFieldStart(operation);
            out.writeNumberField("count", timer == null ? 0 : timer.getCount());
            out.writeNumberField("rate_1m", timer == null ? 0.0 : timer.getOneMinuteRate());
            Snapshot snapshot = timer == null ? null : timer.getSnapshot();
            out.writeNumberField("p99_ms", snapshot == null ? 0.0 : snapshot.get99thPercentile() / 1_000_000.0);
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    private static void writeContext(JsonGenerator out, String rawContext, ContextView.Decoded decoded) throws IOException {
        out.writeStartObject();
        out.writeStringField("context", rawContext);
        out.writeArrayFieldStart("versions");
        for (ContextView.Version version : decoded.versions()) {
            out.writeStartObject();
            out.writeStringField("node", version.node());
            out.writeNumberField("epoch", version.epoch());
            out.writeNumberField("counter", version.counter());
            out.writeNumberField("wall_ms", version.wallMillis());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeArrayFieldStart("dots");
        for (ContextView.Dot dot : decoded.dots()) {
            out.writeStartObject();
            out.writeStringField("node", dot.node());
            out.writeNumberField("epoch", dot.epoch());
            out.writeNumberField("counter", dot.counter());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    private JsonNode parse(Bytes body) {
        return parse(Buffer.buffer(body.toByteArray()));
    }

    private JsonNode parse(Buffer body) {
        try {
            return mapper.readTree(body.getBytes());
        } catch (IOException e) {
            throw new IllegalArgumentException("the answer is not JSON: " + e.getMessage(), e);
        }
    }

    private byte[] render(ObjectNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("rendering /cluster/status failed", e);
        }
    }
}
