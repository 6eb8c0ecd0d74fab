package io.kvorum.http;

import static io.kvorum.http.KvRoutesIT.assertError;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.common.Key;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Shutdown, several server instances, and a service that fails, throws or never answers. */
class LifecycleIT {
    @Test
    void drainingAnswers503ToEveryNewRequest() {
        try (RunningApi node = RunningApi.small()) {
            assertEquals(200, node.get("/health").status());
            node.api.drain();
            assertTrue(node.api.draining());
            for (String path : List.of("/health", "/kv/a", "/nope", "/metrics")) {
                RunningApi.Answer answer = node.get(path);
                JsonNode error = assertError(answer, 503, "unavailable");
                assertEquals("node is shutting down", error.get("message").asText());
                assertEquals("close", answer.header("Connection"));
            }
            assertError(node.put("/kv/a", "{\"value\": 1}"), 503, "unavailable");
            assertTrue(node.service.requests.isEmpty());
        }
    }

    @Test
    void closeStopsListening() {
        RunningApi node = RunningApi.small();
        int port = node.port;
        assertTrue(port > 0);
        node.close();
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> new RawHttp(port).close());
        assertTrue(refused.getCause() instanceof ConnectException, refused.toString());
    }

    @Test
    void closeLetsARequestInFlightFinish() {
        try (RunningApi node = RunningApi.small()) {
            CompletableFuture<GetResult> pending = new CompletableFuture<>();
            CountDownLatch called = new CountDownLatch(1);
            node.service.onGet = request -> {
                called.countDown();
                return pending;
            };
            CompletableFuture<RunningApi.Answer> answer = CompletableFuture.supplyAsync(() -> node.get("/kv/slow"));
            await().atMost(Duration.ofSeconds(10)).until(() -> called.getCount() == 0);
            var closed = node.api.close();
            pending.complete(new GetResult.NotFound(Key.of("slow"), Optional.empty()));
            assertEquals(404, answer.orTimeout(10, TimeUnit.SECONDS).join().status());
            RunningApi.await(closed);
        }
    }

    @Test
    void severalServerInstancesShareOnePortAcrossEventLoops() {
        try (RunningApi node = new RunningApi(RunningApi.smallSettings().withServerInstances(4))) {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            node.service.onReplicas = key -> {
                threads.add(Thread.currentThread().getName());
                return new ReplicasView(key, List.of(RecordingKvService.SELF), 1);
            };
            for (int i = 0; i < 24; i++) {
                try (RawHttp http = new RawHttp(node.port)) {
                    http.write("GET /kv/a/replicas HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(200, http.read().status());
                }
            }
            assertTrue(threads.size() > 1, threads::toString);
            // A second API in the same Vert.x gets a port of its own, not a share of the first one's.
            HttpApi other = new HttpApi(node.vertx, RunningApi.smallSettings().withServerInstances(2), node.service);
            int otherPort = RunningApi.await(other.start());
            assertTrue(otherPort > 0 && otherPort != node.port, otherPort + " vs " + node.port);
            RunningApi.await(other.close());
        }
    }

    @Test
    void serviceExceptionsAnswer500AndAreLogged() {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger exchangeLog = (Logger) LoggerFactory.getLogger(HttpRoundTrip.class);
        exchangeLog.addAppender(log);
        exchangeLog.setAdditive(false); // the expected stack traces stay out of the build log
        try (RunningApi node = RunningApi.small()) {
            node.service.onGet = request -> {
                throw new IllegalStateException("boom in get");
            };
            node.service.onPut = request -> CompletableFuture.failedFuture(new IllegalStateException("boom in put"));
            node.service.onDelete = request -> null;
            node.service.onReplicas = key -> {
                throw new IllegalStateException("boom in replicas");
            };
            for (RunningApi.Answer answer : List.of(node.get("/kv/a"), node.put("/kv/a", "{\"value\": 1}"),
                    node.delete("/kv/a", null), node.get("/kv/a/replicas"))) {
                assertError(answer, 500, "internal");
                assertTrue(!answer.body().contains("boom"), "no internals leak to clients: " + answer.body());
            }
            assertEquals(4, node.get("/metrics").json().get("counters").get("http.errors.internal").get("count").asInt());
            assertEquals(200, node.get("/health").status());
        } finally {
            exchangeLog.detachAppender(log);
            exchangeLog.setAdditive(true);
        }
        assertEquals(4, log.list.stream().filter(e -> e.getLevel() == Level.ERROR).count());
        assertTrue(log.list.getFirst().getFormattedMessage().contains("GET /kv/a"));
    }

    @Test
    void aServiceThatNeverAnswersStillEndsTheRequest() {
        HttpApiSettings settings = RunningApi.smallSettings().withTimeouts(200, 300);
        try (RunningApi node = new RunningApi(settings)) {
            node.service.onGet = request -> new CompletableFuture<>();
            node.service.onPut = request -> new CompletableFuture<>();
            JsonNode get = assertError(node.get("/kv/a"), 503, "unavailable");
            assertTrue(get.get("message").asText().contains("500 ms"), get.toString());
            JsonNode put = assertError(node.put("/kv/a?timeout_ms=50", "{\"value\": 1}"), 503, "unavailable");
            assertTrue(put.get("message").asText().contains("350 ms"), put.toString());
            assertEquals(1, node.get("/metrics").json().get("timers").get("kv.put").get("count").asInt());
        }
    }

    @Test
    void aLateAnswerAfterTheCeilingIsDropped() {
        HttpApiSettings settings = RunningApi.smallSettings().withTimeouts(100, 100);
        try (RunningApi node = new RunningApi(settings)) {
            CompletableFuture<GetResult> late = new CompletableFuture<>();
            node.service.onGet = request -> late;
            assertError(node.get("/kv/a"), 503, "unavailable");
            late.complete(new GetResult.Unavailable(2, 0, new QuorumShortfall(true, List.of())));
            node.service.onGet = request -> CompletableFuture.completedFuture(new GetResult.Unavailable(2, 1, new QuorumShortfall(true, List.of())));
            JsonNode next = assertError(node.get("/kv/a"), 503, "unavailable");
            assertEquals(1, next.get("acknowledged").asInt());
        }
    }
}
