package io.kvorum.http;

import com.codahale.metrics.Timer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its one response. Confined to the event loop of the request's connection (every
 * service completion and timer is brought back there first), so {@link #send} needs no locking and
 * the first answer wins: a late service reply after the router's ceiling fired is dropped.
 */
final class HttpRoundTrip {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRoundTrip.class);
    private static final String CONTENT_TYPE = "application/json";

    private final HttpServerRequest request;
    private final Telemetry telemetry;
    private final Responses responses;
    private final long startNanos = System.nanoTime();
    private Timer.Context timing;
    private String timedOperation;
    private boolean answered;

    HttpRoundTrip(HttpServerRequest request, Telemetry telemetry, Responses responses) {
        this.request = request;
        this.telemetry = telemetry;
        this.responses = responses;
    }

    HttpServerRequest request() {
        return request;
    }

    /**
     * Runs {@code done} once when this exchange's response has been sent or its connection closed first
     * (a client that went away), whichever comes first.
     */
    void whenFinished(Runnable done) {
        boolean[] ran = new boolean[1];
        Runnable once = () -> {
            if (!ran[0]) {
                ran[0] = true;
                done.run();
            }
        };
        HttpServerResponse response = request.response();
        response.endHandler(v -> once.run());
        response.closeHandler(v -> once.run());
        if (response.ended() || response.closed()) {
            once.run();
        }
    }

    boolean answered() {
        return answered;
    }

    /**
     * Times this exchange with {@code timer} until its response is sent, and records it in
     * {@code kvorum_requests_seconds} under {@code operation} and the outcome it answers.
     */
    void timeWith(Timer timer, String operation) {
        timing = timer.time();
        timedOperation = operation;
    }

    /** Sends {@code reply} unless a reply was already sent; counts errors; closes when the reply says so. */
    void send(Reply reply) {
        if (answered) {
            return;
        }
        answered = true;
        if (timing != null) {
            long nanos = timing.stop();
            telemetry.prometheus().observeRequest(timedOperation, reply.error().map(ErrorCode::wire).orElse("ok"), nanos);
        }
        reply.error().ifPresent(code -> telemetry.registry().counter(code.counterName()).inc());
        telemetry.requestLog().log(request, reply, startNanos, System.nanoTime());
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return; // the client went away; there is nobody to answer
        }
        Reply sent = needsClose(reply) ? reply.closing() : reply;
        response.setStatusCode(sent.status());
        response.putHeader("Content-Type", CONTENT_TYPE);
        for (Map.Entry<String, String> header : sent.headers().entrySet()) {
            response.putHeader(header.getKey(), header.getValue());
        }
        response.end(Buffer.buffer(sent.body().toByteArray())).onComplete(done -> {
            if (sent.closesConnection()) {
                request.connection().close();
            }
        });
    }

    /** A bug: logs it at ERROR with the request line and answers 500 {@code internal}. */
    void fail(Throwable cause) {
        LOG.error("internal error serving {} {}", request.method(), Responses.abbreviate(request.uri()), cause);
        send(responses.internal());
    }

    /** Runs {@code step}, turning anything it throws into a 500 rather than a request that never ends. */
    void guard(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * A client that sent {@code Expect: 100-continue} and got a final answer first will not send its
     * body, so the connection cannot carry a next request: the server would read it as this body.
     */
    private boolean needsClose(Reply reply) {
        return !reply.closesConnection() && !request.isEnded()
                && "100-continue".equalsIgnoreCase(request.getHeader("Expect"));
    }
}
