package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.common.Key;
import io.kvorum.node.it.ApiClient.Answer;
import io.kvorum.node.runtime.StoredStates;
import io.kvorum.storage.version.Siblings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The careless client of issue 18 on three real nodes: one key written blind again and again, with
 * small values until {@code storage.siblings-max} refuses, with large ones until
 * {@code storage.key-bytes-max} does. Afterwards every node is healthy and serves other keys, each
 * key reads with r=all holding every acknowledged value, and one write with the read's context
 * leaves one value on every replica (checked in each node's own engine after the cluster stops).
 */
class KeyLimitsIT {
    private static final int SIBLINGS_MAX = 20;
    private static final int KEY_BYTES_MAX = 512 * 1024;
    private static final int LARGE_VALUE_CHARS = 40_000;
    private static final List<String> FLAGS = List.of("--http.value-bytes-max=64KiB",
            "--storage.siblings-max=" + SIBLINGS_MAX, "--storage.key-bytes-max=" + KEY_BYTES_MAX);

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
    void aCarelessClientGetsClearRefusalsAndTheKeysStayReadableAndResolvable() {
        cluster = TestCluster.start(dataRoot, 3, FLAGS);
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        String context = "seed " + seed + ": ";

        List<String> smallAcknowledged = writeBlind("many-siblings", 2 * SIBLINGS_MAX, i -> "\"small-" + i + "\"",
                409, "too_many_siblings", "storage.siblings-max", SIBLINGS_MAX, context);
        List<String> largeAcknowledged = writeBlind("large-key", 30, i -> largeValue(random, i),
                413, "key_too_large", "storage.key-bytes-max", KEY_BYTES_MAX, context);

        for (int i = 0; i < cluster.size(); i++) {
            ApiClient node = cluster.client(i);
            assertEquals(200, node.get(ApiClient.raw("/health")).status(), context + "node " + i + " is not healthy");
            String other = "other-key-" + i;
            assertEquals(200, node.putValue(other, "{\"n\":" + i + "}").status(), context + "node " + i + " cannot write other keys");
            assertEquals(List.of("{\"n\":" + i + "}"), node.get(other, "r=all").rawValues());
        }
        resolve("many-siblings", smallAcknowledged, context);
        resolve("large-key", largeAcknowledged, context);
        assertRefusalsCounted(context);

        List<Integer> nodes = List.of(0, 1, 2);
        cluster.close();
        for (int i : nodes) {
            for (String key : List.of("many-siblings", "large-key")) {
                Siblings stored = StoredStates.read(cluster.config(i), Key.of(key));
                assertEquals(1, stored.siblings().size(), context + key + " on " + TestCluster.id(i) + " holds " + stored.siblings().size());
                assertEquals("\"resolved\"", stored.siblings().get(0).value().utf8String(), context + key + " on " + TestCluster.id(i));
            }
        }
        cluster = null;
    }

    /** Blind writes through the nodes in turn; every answer is 200 or the limit's error. Returns the acknowledged values. */
    private List<String> writeBlind(String key, int count, java.util.function.IntFunction<String> value, int refusedStatus,
                                    String errorCode, String limitName, long limit, String context) {
        List<String> acknowledged = new ArrayList<>();
        int refused = 0;
        for (int i = 0; i < count; i++) {
            String json = value.apply(i);
            Answer answer = cluster.client(i % cluster.size()).putValue(key, json);
            if (answer.status() == 200) {
                acknowledged.add(json);
                continue;
            }
            assertEquals(refusedStatus, answer.status(), context + "write " + i + " of " + key + ": " + answer.body());
            JsonNode body = answer.json();
            assertEquals(errorCode, body.path("error").asText(), context + answer.body());
            assertEquals(limitName, body.path("setting").asText(), context + answer.body());
            assertEquals(limit, body.path("limit").asLong(), context + answer.body());
            assertTrue(body.path("actual").asLong() > limit, context + answer.body());
            assertTrue(body.path("message").asText().contains("context"), context + "the message should say how to resolve: " + answer.body());
            refused++;
        }
        assertTrue(refused > 0, context + "no write of " + key + " was refused; acknowledged " + acknowledged.size());
        assertTrue(acknowledged.size() >= 2, context + "too few writes of " + key + " were acknowledged: " + acknowledged.size());
        return acknowledged;
    }

    /** The key reads with r=all, holding every acknowledged value; one write with its context leaves one value. */
    private void resolve(String key, List<String> acknowledged, String context) {
        Answer read = cluster.client(1).get(key, "r=all");
        assertEquals(200, read.status(), context + key + " is unreadable: " + read.body());
        List<String> values = read.rawValues();
        assertTrue(values.containsAll(acknowledged), context + key + " lost acknowledged values");
        Answer resolution = cluster.client(2).put(key, "{\"value\":\"resolved\",\"context\":\"" + read.context() + "\"}", "w=all");
        assertEquals(200, resolution.status(), context + "the resolution of " + key + " was not accepted: " + resolution.body());
        assertEquals(List.of("\"resolved\""), cluster.client(0).get(key, "r=all").rawValues(), context + key);
        assertEquals(200, cluster.client(0).putValue(key, "\"after\"").status(), context + key + " takes blind writes again");
        Answer after = cluster.client(0).get(key, "r=all");
        assertEquals(List.of("\"after\"", "\"resolved\""), after.rawValues().stream().sorted().toList(), context + key);
        assertEquals(200, cluster.client(1).put(key, "{\"value\":\"resolved\",\"context\":\"" + after.context() + "\"}", "w=all").status());
    }

    private void assertRefusalsCounted(String context) {
        long siblings = 0;
        long bytes = 0;
        for (int i = 0; i < cluster.size(); i++) {
            JsonNode counters = cluster.client(i).get(ApiClient.raw("/metrics")).json().path("counters");
            siblings += counters.path("kv.writes-refused.siblings-max").path("count").asLong();
            bytes += counters.path("kv.writes-refused.key-bytes-max").path("count").asLong();
        }
        assertTrue(siblings > 0 && bytes > 0, context + "refusals not counted: siblings " + siblings + ", bytes " + bytes);
    }

    /** A JSON string of about 40 KB that does not compress away. */
    private static String largeValue(SplittableRandom random, int i) {
        StringBuilder text = new StringBuilder(LARGE_VALUE_CHARS + 16).append('"').append(i).append('-');
        for (int c = 0; c < LARGE_VALUE_CHARS; c++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.append('"').toString();
    }
}
