package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static io.kvorum.node.it.ApiAssertions.assertNotFound;
import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertUnavailable;
import static io.kvorum.node.it.ApiAssertions.assertValues;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiClient.raw;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.config.ConfigLoader;
import io.kvorum.node.it.ApiClient.Answer;
import io.kvorum.node.runtime.NodeServer;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * api.md under failures, on three in-process nodes with a 1 s request timeout: quorums with a node
 * killed, a replica that never answers, read repair of a node that restarted empty, 503 while
 * shutting down, and nodes that cannot start because a port is taken.
 */
class NodeFailureIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /**
     * Slack on top of a timeout for scheduling and the HTTP round trip on a busy machine. A
     * correctness bound (the coordinator honours its deadline, it does not hang), not a benchmark.
     */
    private static final Duration MARGIN = Duration.ofMillis(1500);
    private static final List<String> FLAGS = List.of("--quorum.request-timeout=" + REQUEST_TIMEOUT.toMillis() + "ms");

    @TempDir
    Path dataRoot;

    private TestCluster cluster;
    private Blackhole blackhole;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        if (blackhole != null) {
            blackhole.close();
        }
    }

    /**
     * A killed replica: W=2 and R=2 (explicit and by default) still succeed through every live node;
     * w=3, w=all, r=3 and r=all answer 503 with required=3 and acknowledged ≤ 2 within the request
     * timeout. With two nodes down the defaults (R=2, W=2) fail with required=2 and one=1 succeeds.
     */
    @Test
    void withOneNodeKilledQuorumsOfTwoSucceedAndQuorumsOfThreeFailPromptly() {
        cluster = TestCluster.start(dataRoot, 3, FLAGS);
        KvSemanticsChecks kv = new KvSemanticsChecks(cluster);
        ApiClient first = cluster.client(0);
        String key = kv.key("written-by-all");
        assertWritten(first.put(key, "{\"value\":\"everywhere\"}", "w=all"), key);

        cluster.kill(2);
        kv.quorumsWithOneNodeDown(Set.of(2), REQUEST_TIMEOUT.plus(MARGIN));
        assertTrue(ClusterChecks.counter(first, "kv.quorum-failures.write") >= 3);
        assertTrue(ClusterChecks.counter(first, "kv.quorum-failures.read") >= 2);
        assertTrue(ClusterChecks.counter(first, "http.errors.unavailable") >= 5);

        cluster.kill(1);
        String other = kv.key("two-down");
        Answer put = first.putValue(other, "1");
        assertUnavailable(put, 2); // the default W is 2
        assertTrue(put.took().compareTo(REQUEST_TIMEOUT.plus(MARGIN)) <= 0, put::toString);
        Answer get = first.get(key);
        assertUnavailable(get, 2); // the default R is 2
        assertTrue(get.took().compareTo(REQUEST_TIMEOUT.plus(MARGIN)) <= 0, get::toString);
        assertValues(first.get(key, "r=one"), key, "\"everywhere\"");
        assertWritten(first.put(other, "{\"value\":1}", "w=1"), other);
    }

    /**
     * A replica that accepts connections but never answers: the coordinator waits for it no longer
     * than timeout_ms (or the configured default), then answers 503 with what it got; quorums the
     * live replicas can meet do not wait for it at all.
     */
    @Test
    void aReplicaThatNeverAnswersCostsAtMostTheTimeout() {
        cluster = TestCluster.start(dataRoot, 3, FLAGS, 2);
        blackhole = new Blackhole(cluster.internodePort(2), dataRoot.resolve("cluster.secret"), TestCluster.id(2));
        KvSemanticsChecks kv = new KvSemanticsChecks(cluster);
        ApiClient first = cluster.client(0);
        String key = kv.key("hung-replica");

        // With a long timeout, an answer well before it shows that W=2 did not wait for the third replica.
        Duration longTimeout = Duration.ofSeconds(5);
        Answer fast = first.put(key, "{\"value\":\"w2\"}", "w=2&timeout_ms=" + longTimeout.toMillis());
        assertWritten(fast, key);
        assertTrue(fast.took().compareTo(longTimeout.dividedBy(2)) < 0, () -> "w=2 waited for the hung replica: " + fast.took());
        assertValues(cluster.client(1).get(key, "r=2"), key, "\"w2\"");

        Duration shortTimeout = Duration.ofSeconds(1); // room for a slow, shared machine; the bound is what matters
        Answer read = first.get(key, "r=3&timeout_ms=" + shortTimeout.toMillis());
        assertEquals(2, assertUnavailable(read, 3).get("acknowledged").asInt(), read::toString);
        assertBetween(read, shortTimeout, shortTimeout.plus(MARGIN));

        Answer write = cluster.client(1).put(key, "{\"value\":\"w3\"}", "w=all"); // default timeout: 1 s
        assertEquals(2, assertUnavailable(write, 3).get("acknowledged").asInt(), write::toString);
        assertBetween(write, REQUEST_TIMEOUT, REQUEST_TIMEOUT.plus(MARGIN));

        Answer delete = first.delete(key, null, "w=3&timeout_ms=200");
        assertUnavailable(delete, 3);
        assertBetween(delete, Duration.ofMillis(200), Duration.ofMillis(200).plus(MARGIN));
        assertTrue(blackhole.bytesReceived() > 0, "the coordinators never tried the hung replica");
    }

    /**
     * "503 ... the node is shutting down": once a graceful stop begins, new requests get 503 with
     * Connection: close, a request in flight still gets its own answer, then the port closes.
     */
    @Test
    void aNodeShuttingDownAnswers503AndLetsRequestsInFlightFinish() {
        cluster = TestCluster.start(dataRoot, 3, FLAGS, 2);
        blackhole = new Blackhole(cluster.internodePort(2), dataRoot.resolve("cluster.secret"), TestCluster.id(2));
        KvSemanticsChecks kv = new KvSemanticsChecks(cluster);
        ApiClient first = cluster.client(0);
        String key = kv.key("in-flight");
        assertWritten(first.putValue(key, "1"), key);

        long before = blackhole.bytesReceived();
        // Long enough that the draining phase outlasts the checks below even on a loaded machine.
        CompletableFuture<Answer> inFlight = first.sendAsync("GET", ApiClient.kvPath(key, "r=3&timeout_ms=5000"), null);
        await().atMost(Duration.ofSeconds(5)).until(() -> blackhole.bytesReceived() > before); // the coordinator is waiting

        Future<Void> stopping = cluster.stopAsync(0);
        Answer health = first.get(raw("/health"));
        JsonNode error = assertError(health, 503, "unavailable");
        assertFalse(error.has("required") || error.has("acknowledged"), health::toString);
        assertEquals("close", health.header("Connection").orElse("").toLowerCase(Locale.ROOT), health::toString);
        assertError(first.get(key), 503, "unavailable");

        Answer answered = inFlight.join();
        assertEquals(2, assertUnavailable(answered, 3).get("acknowledged").asInt(), answered::toString);
        TestCluster.await(stopping, "stop node-1");
        assertThrows(AssertionError.class, () -> first.get(raw("/health")), "node-1 still accepts connections");
        // The rest of the cluster carries on.
        assertValues(cluster.client(1).get(key, "r=1"), key, "1");
    }

    /**
     * A node restarted empty (memory engine) on its old ports: a read with r=3 through another node
     * answers with the value and repairs the empty replica, which then holds the value by itself.
     * Hinted handoff and anti-entropy are off, or they would repair it first (see RepairIT). A read
     * within the in-flight grace of the write ({@code ReadRepairPlanner.IN_FLIGHT_GRACE_MILLIS}, 2 s)
     * takes the missing version for a write still on its way and leaves the replica alone, so the
     * client reads until one repairs it.
     */
    @Test
    void aRestartedEmptyNodeIsReadRepaired() {
        List<String> flags = new ArrayList<>(FLAGS);
        flags.addAll(List.of("--handoff.enabled=false", "--anti-entropy.enabled=false"));
        cluster = TestCluster.start(dataRoot, 3, flags);
        KvSemanticsChecks kv = new KvSemanticsChecks(cluster);
        ApiClient first = cluster.client(0);
        ApiClient third = cluster.client(2);
        String key = kv.key("repair-me");
        String value = "{\"repaired\": [1.50, true]}";

        cluster.kill(2);
        assertWritten(first.put(key, "{\"value\":" + value + "}", "w=2"), key);
        // "whether or not they are up": the killed node is still one of the key's replicas.
        assertEquals(List.of("node-1", "node-2", "node-3"), sorted(first.replicas(key)));

        cluster.restart(2);
        assertEquals("node-3", assertOk(third.get(raw("/health"))).path("node").asText());
        long repairsBefore = ClusterChecks.counter(first, "kv.read-repairs");
        // The first read may still find the old connection to node-3 broken; it is re-established on demand.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertValues(first.get(key, "r=3"), key, value));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertValues(first.get(key, "r=3"), key, value);
            return ClusterChecks.counter(first, "kv.read-repairs") > repairsBefore;
        });
        assertValues(cluster.client(1).get(key, "r=all"), key, value);

        // Proof that node-3 itself now holds the value: with both other replicas gone, it answers alone.
        cluster.kill(0);
        cluster.kill(1);
        assertValues(third.get(key, "r=1"), key, value);
        assertNotFound(third.get(kv.key("never-written"), "r=1"), false);
    }

    @Test
    void aNodeWhoseHttpPortIsTakenFailsToStartNamingHttpPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int[] internode = new int[1];
            TestCluster.reservePorts(internode);
            String message = startFailure(taken.getLocalPort(), internode[0]);
            assertTrue(message.contains("http.port") && message.contains(Integer.toString(taken.getLocalPort())), message);
        }
    }

    @Test
    void aNodeWhoseInternodePortIsTakenFailsToStartNamingInternodePort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int[] http = new int[1];
            TestCluster.reservePorts(http);
            String message = startFailure(http[0], taken.getLocalPort());
            assertTrue(message.contains("internode.port") && message.contains(Integer.toString(taken.getLocalPort())), message);
        }
    }

    /** Starts a one-node cluster on these ports and returns the message of the failure it must end in. */
    private String startFailure(int httpPort, int internodePort) {
        var config = ConfigLoader.load(List.of(
                "--node.id=node-1",
                "--node.data-dir=" + dataRoot.resolve("node-1"),
                "--http.port=" + httpPort,
                "--internode.port=" + internodePort,
                "--cluster.members=node-1@127.0.0.1:" + internodePort + "/127.0.0.1:" + httpPort,
                "--quorum.n=1", "--quorum.r=1", "--quorum.w=1"), Map.of());
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> TestCluster.await(NodeServer.start(config), "start").kill());
        return failure.getMessage();
    }

    private static List<String> sorted(Answer replicas) {
        List<String> ids = new ArrayList<>();
        assertOk(replicas).path("preference_list").forEach(id -> ids.add(id.asText()));
        return ids.stream().sorted().toList();
    }

    private static void assertBetween(Answer answer, Duration atLeast, Duration atMost) {
        // Our clock starts before the coordinator's, so an answer can come no earlier than the timeout;
        // 50 ms of slack covers timer granularity.
        assertTrue(answer.took().compareTo(atLeast.minusMillis(50)) >= 0,
                () -> answer + " came after " + answer.took().toMillis() + " ms, before its timeout of " + atLeast.toMillis() + " ms");
        assertTrue(answer.took().compareTo(atMost) <= 0,
                () -> answer + " took " + answer.took().toMillis() + " ms, more than " + atMost.toMillis() + " ms");
    }
}
