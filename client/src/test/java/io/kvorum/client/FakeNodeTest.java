package io.kvorum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failures a real cluster cannot be made to show on demand, from a one-member fake node (the JDK's
 * HTTP server on 127.0.0.1): a node that never answers ({@link TimeoutException}, retried for reads,
 * not for writes), a 500 ({@link ServerErrorException}), a node shutting down, and no ring (round-robin).
 */
class FakeNodeTest {
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger kvRequests = new AtomicInteger();
    private volatile int status = 0; // 0: never answer /kv/

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        String self = "127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/cluster/members", exchange -> reply(exchange, 200,
                "{\"self\":\"fake\",\"members\":[{\"id\":\"fake\",\"http\":\"" + self + "\",\"status\":\"up\",\"phi\":0.1}]}"));
        server.createContext("/cluster/ring", exchange -> reply(exchange, 200,
                "{\"vnodes_per_node\":1,\"n\":3,\"owners\":[{\"id\":\"fake\",\"share\":1.0}]}"));
        server.createContext("/kv/", this::kv);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void kv(HttpExchange exchange) throws IOException {
        kvRequests.incrementAndGet();
        exchange.getRequestBody().readAllBytes();
        switch (status) {
            case 0 -> {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
            }
            case 500 -> reply(exchange, 500, "{\"error\":\"internal\",\"message\":\"a bug\"}");
            case 507 -> reply(exchange, 507, "{\"error\":\"insufficient_storage\",\"message\":\"node-2: disk full\","
                    + "\"required\":2,\"acknowledged\":1}");
            case 200 -> reply(exchange, 200, "{\"key\":\"k\",\"values\":[\"text\"],\"context\":\"c\"}");
            default -> reply(exchange, 503, "{\"error\":\"unavailable\",\"message\":\"node is shutting down\"}");
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private KvorumClient client() {
        return KvorumClient.builder().contactPoints("127.0.0.1:" + server.getAddress().getPort())
                .readTimeout(Duration.ofMillis(300))
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, RetryPolicy.DEFAULT.on(), false)).build();
    }

    @Test
    void aNodeThatNeverAnswersIsATimeoutRetriedForReadsOnly() {
        try (KvorumClient client = client()) {
            assertThrows(TimeoutException.class, () -> client.get("k", String.class));
            assertEquals(3, kvRequests.get(), "a read is tried three times");
            assertThrows(TimeoutException.class, () -> client.put("k", "v", null));
            assertEquals(4, kvRequests.get(), "a write that may have been stored is not sent again");
            CompletionException async = assertThrows(CompletionException.class, () -> client.getAsync("k", String.class).join());
            assertTrue(async.getCause() instanceof TimeoutException, async::toString);
            assertEquals(1.0, (double) client.stats().withoutRing() / client.stats().requests(), "no tokens: round-robin");
        }
    }

    @Test
    void asyncCallsRunOnTheGivenExecutorAndFailWithTheTypedException() {
        status = 500;
        AtomicInteger ran = new AtomicInteger();
        java.util.concurrent.Executor counting = task -> {
            ran.incrementAndGet();
            Thread.ofVirtual().start(task);
        };
        try (KvorumClient client = KvorumClient.builder().contactPoints("127.0.0.1:" + server.getAddress().getPort())
                .asyncExecutor(counting).build()) {
            CompletionException failed = assertThrows(CompletionException.class, () -> client.putAsync("k", 1, null).join());
            assertTrue(KvorumClient.cause(failed) instanceof ServerErrorException, failed::toString);
            assertEquals(java.util.OptionalInt.of(500), ((ServerErrorException) KvorumClient.cause(failed)).status());
            assertEquals(1, ran.get());
        }
    }

    @Test
    void aServerErrorIsReportedAndNotRetried() {
        status = 500;
        try (KvorumClient client = client()) {
            ServerErrorException error = assertThrows(ServerErrorException.class, () -> client.get("k", String.class));
            assertTrue(error.getMessage().contains("500"), error::getMessage);
            assertEquals(1, kvRequests.get());
        }
    }

    @Test
    void aNodeShuttingDownIsRetriedEvenForWritesAndThenUnavailable() {
        status = 503;
        try (KvorumClient client = client()) {
            UnavailableException error = assertThrows(UnavailableException.class, () -> client.put("k", "v", null));
            assertEquals(-1, error.required(), "shutting down: no quorum figure");
            assertEquals(3, kvRequests.get(), "a node that took nothing: safe to send the write again");
        }
    }

    @Test
    void fullDisksAreAnInsufficientStorageUnavailableWithTheQuorumFigures() {
        status = 507;
        try (KvorumClient client = client()) {
            UnavailableException error = assertThrows(UnavailableException.class, () -> client.put("k", "v", null));
            assertTrue(error instanceof InsufficientStorageException, error::toString);
            assertEquals(2, error.required());
            assertEquals(1, error.acknowledged());
            assertTrue(error.getMessage().contains("disk full"), error::getMessage);
            assertEquals(1, kvRequests.get(), "full disks are not retried");
        }
    }

    @Test
    void aValueOfAnotherTypeIsTheCallersMismatchNotAServerError() {
        status = 200;
        try (KvorumClient client = client()) {
            assertEquals(java.util.List.of("text"), client.get("k", String.class).values());
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> client.get("k", Integer.class));
            assertTrue(error.getMessage().contains("java.lang.Integer"), error::getMessage);
            assertEquals(2, kvRequests.get(), "not retried on another node");
        }
    }

    @Test
    void callsAfterCloseFailWithoutOpeningConnections() {
        status = 500;
        KvorumClient client = client();
        client.close();
        assertThrows(IllegalStateException.class, () -> client.get("k", String.class));
        assertThrows(IllegalStateException.class, () -> client.put("k", "v", null));
        assertThrows(IllegalStateException.class, () -> client.getAsync("k", String.class));
        assertThrows(IllegalStateException.class, client::refresh);
        assertEquals(0, kvRequests.get());
    }
}
