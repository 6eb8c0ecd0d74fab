package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.RawPath;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gossip and failure detection between real processes started by {@code scripts/kvorum}: a killed
 * node is reported down by every other node within 15 s, comes back up everywhere when started
 * again, and a new node started with only its seeds becomes a member everywhere and takes its share
 * of the ring.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScriptGossipIT {
    private static final int NODES = 5;
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(15);

    private ScriptRunner runner;

    @BeforeAll
    void up(@TempDir Path temp) {
        runner = ScriptRunner.create(temp, NODES + 1, Map.of());
        ScriptRunner.Result up = runner.run(Duration.ofSeconds(90), "up", "--nodes", Integer.toString(NODES));
        assertEquals(0, up.exit(), up::output);
    }

    @AfterAll
    void down() {
        if (runner != null) {
            ScriptRunner.Result down = runner.run(Duration.ofSeconds(60), "down");
            assertEquals(0, down.exit(), down::output);
        }
    }

    @Test
    @Order(1)
    void aKilledNodeIsReportedDownEverywhereWithinFifteenSeconds() {
        assertEquals(0, runner.run(Duration.ofSeconds(30), "kill", "node-3").exit());
        long start = System.nanoTime();
        List<URI> others = List.of(base(1), base(2), base(4), base(5));
        runner.withLogsOnFailure(() -> Awaitility.await("node-3 down everywhere").atMost(DETECTION_BOUND)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> others.stream().allMatch(observer -> "down".equals(status(observer, "node-3")))));
        System.out.printf("ScriptGossipIT: every peer reported the killed node down after %.1f s%n", (System.nanoTime() - start) / 1e9);
        JsonNode phi = member(base(1), "node-3").get("phi");
        assertTrue(phi.isNull() || phi.asDouble() >= 8, "a suspected member's phi is past the threshold: " + phi);
    }

    @Test
    @Order(2)
    void aRestartedNodeIsUpEverywhereAgain() {
        assertEquals(0, runner.run(Duration.ofSeconds(60), "start", "node-3").exit());
        runner.withLogsOnFailure(() -> Awaitility.await("node-3 up everywhere").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> runner.bases(NODES).stream().allMatch(observer -> "up".equals(status(observer, "node-3")))));
    }

    @Test
    @Order(3)
    void aNewNodeJoiningThroughSeedsBecomesAMemberAndOwnsPartOfTheRing() {
        ScriptRunner.Result start = runner.run(Duration.ofSeconds(60), "start", "node-6");
        assertEquals(0, start.exit(), start::output);
        List<URI> everyone = runner.bases(NODES + 1);
        runner.withLogsOnFailure(() -> Awaitility.await("node-6 up everywhere and on every ring").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> everyone.stream().allMatch(observer -> "up".equals(status(observer, "node-6")) && share(observer, "node-6") > 0)));
        double share = share(base(1), "node-6");
        assertTrue(Math.abs(share - 1.0 / (NODES + 1)) < 0.02, "node-6 owns " + share + " of the ring, expected about 1/6");
    }

    private URI base(int node) {
        return runner.bases(NODES + 1).get(node - 1);
    }

    private static String status(URI observer, String id) {
        JsonNode member = member(observer, id);
        return member == null ? null : member.path("status").asText();
    }

    private static JsonNode member(URI observer, String id) {
        ApiClient.Answer answer = new ApiClient(observer).get(new RawPath("/cluster/members"));
        for (JsonNode member : answer.json().path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member;
            }
        }
        return null;
    }

    private static double share(URI observer, String id) {
        ApiClient.Answer answer = new ApiClient(observer).get(new RawPath("/cluster/ring"));
        for (JsonNode owner : answer.json().path("owners")) {
            if (owner.path("id").asText().equals(id)) {
                return owner.path("share").asDouble();
            }
        }
        return 0;
    }
}
