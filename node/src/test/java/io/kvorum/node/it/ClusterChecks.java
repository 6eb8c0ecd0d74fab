package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.node.it.ApiClient.Answer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every group of conformance checks shares: the cluster, a client per node, keys unique to this
 * run, and a read of a key's whole state to prove that a rejected request changed nothing.
 *
 * <p>The checks are written once against {@link Cluster}, so that {@link ApiConformanceIT} (in-process,
 * or any cluster named by {@code -Dkvorum.it.endpoints}), {@link NodeFailureIT} and
 * {@link ScriptClusterIT} (the cluster {@code scripts/kvorum up} starts) run the very same code. They
 * assume a healthy cluster of at least 3 nodes with the default N=3, R=2, W=2 and 1 MiB value limit,
 * and that nobody else writes their keys: every key starts with a prefix unique to the run, so a
 * long-lived cluster can be checked again and again.
 */
abstract class ClusterChecks {
    final Cluster cluster;
    final List<ApiClient> nodes;
    final String run = "it" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));

    ClusterChecks(Cluster cluster) {
        this.cluster = cluster;
        this.nodes = cluster.clients();
    }

    /** A key no earlier run has used. */
    String key(String name) {
        return run + "-" + name;
    }

    ApiClient node(int i) {
        return nodes.get(i % nodes.size());
    }

    /** The whole state of a key as a read of all replicas shows it: status and body. */
    String snapshot(String key) {
        Answer answer = node(0).get(key, "r=all");
        assertTrue(answer.status() == 200 || answer.status() == 404, answer::toString);
        return answer.status() + " " + answer.body();
    }

    /** The node ids, each from its own /health. */
    List<String> nodeIds() {
        List<String> ids = new ArrayList<>();
        for (ApiClient node : nodes) {
            ids.add(assertOk(node.get(raw("/health"))).path("node").asText());
        }
        return ids;
    }

    static long counter(ApiClient node, String name) {
        return assertOk(node.get(raw("/metrics"))).path("counters").path(name).path("count").asLong(0);
    }

    // --- helpers ------------------------------------------------------------------------------------

    /** {@code prefix} followed by copies of {@code filler} (then ASCII 'x's) up to exactly {@code bytes} UTF-8 bytes. */
    static String pad(String prefix, String filler, int bytes) {
        StringBuilder key = new StringBuilder(prefix);
        int fillerBytes = filler.getBytes(StandardCharsets.UTF_8).length;
        while (key.toString().getBytes(StandardCharsets.UTF_8).length + fillerBytes <= bytes) {
            key.append(filler);
        }
        while (key.toString().getBytes(StandardCharsets.UTF_8).length < bytes) {
            key.append('x');
        }
        return key.toString();
    }
}
