package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertUnavailable;
import static io.kvorum.node.it.ApiAssertions.assertValues;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiClient.raw;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 on real nodes (in-process, memory engine, so a restarted node comes back empty): hinted
 * handoff gives a returning replica the writes it missed, a sloppy write lands on a stand-in and
 * says so in its receipt, and anti-entropy alone repairs a replica no hint was kept for. No test
 * reads the keys before checking the returning node: read repair must not be what fixed it.
 */
class RepairIT {
    private static final List<String> BASE = List.of("--quorum.request-timeout=2s");
    private static final Duration CATCH_UP = Duration.ofSeconds(60);

    @TempDir
    Path dataRoot;

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void hintsKeptForAKilledReplicaAreHandedBackWhenItReturns() {
        cluster = TestCluster.start(dataRoot, 3, flags("--anti-entropy.enabled=false"));
        ApiClient first = cluster.client(0);
        cluster.kill(2);
        List<String> keys = writeKeys(first, "hinted", 40);
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge(first, "hints.pending") + gauge(cluster.client(1), "hints.pending") >= 40);

        cluster.restart(2);
        ApiClient third = cluster.client(2);
        await().atMost(CATCH_UP).until(() -> gauge(third, "storage.keys") == keys.size());
        await().atMost(CATCH_UP).until(() -> gauge(first, "hints.pending") == 0 && gauge(cluster.client(1), "hints.pending") == 0);
        assertTrue(ClusterChecks.counter(first, "hints.delivered") + ClusterChecks.counter(cluster.client(1), "hints.delivered") >= 40);
        assertEquals(0, ClusterChecks.counter(first, "kv.read-repairs") + ClusterChecks.counter(cluster.client(1), "kv.read-repairs"));
        onlyTheReturnedNodeAnswers(keys);
    }

    @Test
    void aSloppyWriteLandsOnAStandInWhichHandsItBack() {
        cluster = TestCluster.start(dataRoot, 4, flags("--quorum.n=3", "--anti-entropy.enabled=false"));
        ApiClient first = cluster.client(0);
        // A key that node-1 replicates and node-4 does not, so node-4 is the only possible stand-in.
        String key = null;
        List<String> replicas = List.of();
        for (int i = 0; key == null; i++) {
            List<String> preference = preferenceList(first, "sloppy-" + i);
            if (preference.contains("node-1") && !preference.contains("node-4")) {
                key = "sloppy-" + i;
                replicas = preference;
            }
        }
        String down = replicas.stream().filter(id -> !id.equals("node-1")).findFirst().orElseThrow();
        int downIndex = Integer.parseInt(down.substring("node-".length())) - 1;
        cluster.kill(downIndex);
        await().atMost(Duration.ofSeconds(30)).until(() -> statusOf(first, down).equals("down"));

        // Strict: the down replica counts and fails, so 503; as in Dynamo the version may still exist
        // (on node-1, the other live replica, and in node-1's hint for the down one).
        assertUnavailable(first.put(key, "{\"value\":\"strict\"}", "w=3&sloppy=false"), 3);
        Answer sloppy = first.put(key, "{\"value\":\"sloppy\"}", "w=3");
        assertWritten(sloppy, key);
        JsonNode receipt = sloppy.json().path("replicas");
        assertEquals(3, receipt.size(), sloppy::toString);
        List<String> fallbacks = new ArrayList<>();
        for (JsonNode ack : receipt) {
            if (ack.path("role").asText().equals("fallback")) {
                fallbacks.add(ack.path("node").asText() + " for " + ack.path("for").asText());
            } else {
                assertEquals("primary", ack.path("role").asText(), sloppy::toString);
                assertTrue(ack.path("for").isMissingNode(), sloppy::toString);
            }
        }
        assertEquals(List.of("node-4 for " + down), fallbacks, sloppy::toString);
        ApiClient standIn = cluster.client(3);
        assertEquals(1, gauge(standIn, "hints.pending"));
        assertEquals(0, gauge(standIn, "storage.keys"), "a stand-in keeps a hint, not its own copy");

        cluster.restart(downIndex);
        ApiClient returned = cluster.client(downIndex);
        await().atMost(CATCH_UP).until(() -> gauge(returned, "storage.keys") == 1 && gauge(standIn, "hints.pending") == 0
                && gauge(first, "hints.pending") == 0);
        for (int i = 0; i < 4; i++) {
            if (i != downIndex) {
                cluster.kill(i);
            }
        }
        assertValues(returned.get(key, "r=1"), key, "\"strict\"", "\"sloppy\"");
    }

    @Test
    void antiEntropyAloneRepairsAReplicaThatNoHintWasKeptFor() {
        cluster = TestCluster.start(dataRoot, 3, flags("--handoff.enabled=false", "--anti-entropy.interval=500ms"));
        ApiClient first = cluster.client(0);
        cluster.kill(2);
        List<String> keys = writeKeys(first, "entropy", 40);
        assertEquals(0, gauge(first, "hints.pending") + gauge(cluster.client(1), "hints.pending"));

        cluster.restart(2);
        ApiClient third = cluster.client(2);
        await().atMost(CATCH_UP).until(() -> gauge(third, "storage.keys") == keys.size());
        long repaired = 0;
        for (int i = 0; i < 3; i++) {
            repaired += ClusterChecks.counter(cluster.client(i), "anti-entropy.keys-repaired");
        }
        assertTrue(repaired >= keys.size(), "anti-entropy repaired " + repaired + " keys");
        assertTrue(ClusterChecks.counter(third, "anti-entropy.ranges-compared") + ClusterChecks.counter(first, "anti-entropy.ranges-compared") > 0);
        onlyTheReturnedNodeAnswers(keys);
    }

    /**
     * Issue 16's digest reads on real nodes: a replica that came back empty answers a read's digest
     * request with "absent", which differs from the coordinator's state, so it is asked for its
     * state and repaired; the nodes count the mismatches and the read's internode bytes. Reads ask
     * every replica ({@code quorum.read-fanout: all}): one asking R = 2 of them may never ask the empty one.
     */
    @Test
    void aDigestReadFindsAnEmptyReplicaAndRepairsIt() {
        cluster = TestCluster.start(dataRoot, 3, flags("--handoff.enabled=false", "--anti-entropy.enabled=false",
                "--quorum.read-fanout=all"));
        ApiClient first = cluster.client(0);
        cluster.kill(2);
        List<String> keys = writeKeys(first, "digest", 10);

        cluster.restart(2);
        ApiClient third = cluster.client(2);
        await().atMost(CATCH_UP).until(() -> statusOf(first, "node-3").equals("up"));
        assertEquals(0, gauge(third, "storage.keys"));
        // Read until repaired: a version younger than the read repair grace is left to its write.
        await().atMost(CATCH_UP).until(() -> {
            for (int i = 0; i < keys.size(); i++) {
                assertValues(first.get(keys.get(i), "r=2"), keys.get(i), String.valueOf(i));
            }
            return gauge(third, "storage.keys") == keys.size();
        });
        long mismatches = 0;
        for (int i = 0; i < 3; i++) {
            mismatches += ClusterChecks.counter(cluster.client(i), "kv.read-digest-mismatches");
            assertTrue(ClusterChecks.counter(cluster.client(i), "kv.read-bytes-received") > 0, "node " + i + " counted no read bytes");
        }
        assertTrue(mismatches >= keys.size(), "every key's first read found node-3's digest different: " + mismatches);
        assertTrue(ClusterChecks.counter(third, "kv.read-repair-bytes-received") > 0);
        onlyTheReturnedNodeAnswers(keys);
    }

    private static List<String> flags(String... more) {
        List<String> flags = new ArrayList<>(BASE);
        flags.addAll(List.of(more));
        return flags;
    }

    /** Writes {@code count} keys with w=2 through {@code node}; every write must succeed. */
    private static List<String> writeKeys(ApiClient node, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + i;
            assertWritten(node.put(key, "{\"value\":" + i + "}", "w=2"), key);
            keys.add(key);
        }
        return keys;
    }

    /** Kills every node but node-3 and reads each key with r=1 from it: it must hold them all itself. */
    private void onlyTheReturnedNodeAnswers(List<String> keys) {
        cluster.kill(0);
        cluster.kill(1);
        ApiClient third = cluster.client(2);
        for (int i = 0; i < keys.size(); i++) {
            assertValues(third.get(keys.get(i), "r=1"), keys.get(i), String.valueOf(i));
        }
    }

    private static List<String> preferenceList(ApiClient node, String key) {
        List<String> ids = new ArrayList<>();
        assertOk(node.replicas(key)).path("preference_list").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private static String statusOf(ApiClient node, String id) {
        for (JsonNode member : assertOk(node.get(raw("/cluster/members"))).path("members")) {
            if (member.path("id").asText().equals(id)) {
                return member.path("status").asText();
            }
        }
        return "absent";
    }

    private static long gauge(ApiClient node, String name) {
        return assertOk(node.get(raw("/metrics"))).path("gauges").path(name).path("value").asLong(-1);
    }
}
