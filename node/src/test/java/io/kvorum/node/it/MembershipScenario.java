package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.Awaitility;

/**
 * What the membership ITs (issue 13) share: a cluster of real node processes run by
 * {@code scripts/kvorum} (so a node that leaves can exit, as it must), keys written with w=all, and
 * the checks that the data moved by streaming: every node holds what its ring position asks before
 * anyone reads, and reading everything back with r=all repairs nothing. Anti-entropy is off in these
 * clusters, so it cannot be what moved the data either.
 */
final class MembershipScenario implements AutoCloseable {
    /** Every change waits at most this long in the scripts; the ITs' own bound is above it. */
    static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(90);
    private static final int VALUE_PAD_BYTES = 1000;

    final ScriptRunner runner;
    private boolean up;

    private MembershipScenario(ScriptRunner runner) {
        this.runner = runner;
    }

    /**
     * {@code scripts/kvorum up --nodes nodes} (N=3 R=2 W=2) in {@code temp}, with room for
     * {@code maxNodes}, anti-entropy off and {@code extraEnv} (node settings such as
     * {@code KVORUM_TRANSFER_RATE}).
     */
    static MembershipScenario up(Path temp, int nodes, int maxNodes, Map<String, String> extraEnv) {
        Map<String, String> env = new TreeMap<>(extraEnv);
        env.put("KVORUM_ANTI_ENTROPY_ENABLED", "false");
        env.put("KVORUM_MEMBERSHIP_TIMEOUT", Long.toString(CHANGE_TIMEOUT.toSeconds()));
        env.put("KVORUM_QUORUM_REQUEST_TIMEOUT", "3s");
        // A change streams one range per vnode and replica (about 380 for a join at the default 128
        // vnodes): 16 vnodes and 8 ranges at once keep each IT near its minute on a loaded machine.
        // check-membership runs the default vnodes.
        env.putIfAbsent("KVORUM_RING_VNODES_PER_NODE", "16");
        env.putIfAbsent("KVORUM_TRANSFER_CONCURRENCY", "8");
        MembershipScenario scenario = new MembershipScenario(ScriptRunner.create(temp, maxNodes, env));
        ScriptRunner.Result result = scenario.script("up", "--nodes", Integer.toString(nodes));
        scenario.up = true;
        assertEquals(0, result.exit(), result::output);
        return scenario;
    }

    /** Runs {@code scripts/kvorum args...} with a bound above the scripts' own. */
    ScriptRunner.Result script(String... args) {
        return runner.run(CHANGE_TIMEOUT.plusSeconds(60), args);
    }

    /** The same, failing with the script's output and the node logs unless it exits 0. */
    ScriptRunner.Result scriptOk(String... args) {
        ScriptRunner.Result result = script(args);
        if (result.exit() != 0) {
            throw new AssertionError("scripts/kvorum " + String.join(" ", args) + " exited " + result.exit() + ":\n"
                    + result.output() + "\nnode logs:" + runner.nodeLogTails());
        }
        return result;
    }

    ApiClient node(String id) {
        int index = Integer.parseInt(id.substring("node-".length()));
        return new ApiClient(runner.bases(index).get(index - 1));
    }

    // --- data ------------------------------------------------------------------------------------------

    /** Writes {@code count} keys of about 1 KB with w=all, through the given nodes in turn; each must be acknowledged. */
    List<String> writeKeys(String prefix, int count, List<String> via) {
        return writeKeys(prefix, count, via, VALUE_PAD_BYTES);
    }

    /** The same with values of about {@code padBytes} bytes. */
    List<String> writeKeys(String prefix, int count, List<String> via, int padBytes) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = prefix + "-" + i;
            assertWritten(node(via.get(i % via.size())).put(key, "{\"value\":" + value(key, padBytes) + "}", "w=all"), key);
            keys.add(key);
        }
        return keys;
    }

    /** Reads every key with r=all through the given nodes in turn: each must answer 200 with its own value. */
    void readAllBack(List<String> keys, List<String> via) {
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            Answer answer = node(via.get(i % via.size())).get(key, "r=all");
            assertEquals(200, answer.status(), () -> "an acknowledged key did not read back: " + answer);
            assertTrue(answer.body().contains("\"k\":\"" + key + "\""), answer::toString);
        }
    }

    private static String value(String key, int padBytes) {
        return "{\"k\":\"" + key + "\",\"pad\":\"" + "x".repeat(padBytes) + "\"}";
    }

    /** How many of {@code keys} have {@code id} in their preference list, as {@code observer} computes it. */
    long keysReplicatedBy(String id, List<String> keys, String observer) {
        long count = 0;
        for (String key : keys) {
            for (JsonNode replica : assertOk(node(observer).replicas(key)).path("preference_list")) {
                if (replica.asText().equals(id)) {
                    count++;
                }
            }
        }
        return count;
    }

    // --- what the nodes report -------------------------------------------------------------------------

    long gauge(String id, String name) {
        return assertOk(node(id).get(raw("/metrics"))).path("gauges").path(name).path("value").asLong(-1);
    }

    /** A counter summed over the nodes (absent counts as 0). */
    long counterSum(String name, List<String> ids) {
        long sum = 0;
        for (String id : ids) {
            sum += ClusterChecks.counter(node(id), name);
        }
        return sum;
    }

    Set<String> ringOwners(String observer) {
        Set<String> owners = new TreeSet<>();
        assertOk(node(observer).get(raw("/cluster/ring"))).path("owners").forEach(o -> owners.add(o.path("id").asText()));
        return owners;
    }

    /** The tokens {@code observer}'s ring gives {@code id} (GET /cluster/ring?tokens=true), as text. */
    List<String> tokensOf(String id, String observer) {
        for (JsonNode owner : assertOk(node(observer).get(raw("/cluster/ring?tokens=true"))).path("owners")) {
            if (owner.path("id").asText().equals(id)) {
                List<String> tokens = new ArrayList<>();
                owner.path("tokens").forEach(t -> tokens.add(t.asText()));
                return tokens;
            }
        }
        return List.of();
    }

    /** {@code target}'s status in {@code observer}'s /cluster/members, or "absent". */
    String status(String observer, String target) {
        for (JsonNode member : assertOk(node(observer).get(raw("/cluster/members"))).path("members")) {
            if (member.path("id").asText().equals(target)) {
                return member.path("status").asText();
            }
        }
        return "absent";
    }

    /** True when {@code id}'s HTTP port no longer accepts connections. */
    boolean refusesConnections(String id) {
        try {
            node(id).get(raw("/health"));
            return false;
        } catch (AssertionError e) {
            return true;
        }
    }

    /** Waits until {@code observer} shows {@code target} in one of {@code wanted}; a failure lists what it showed meanwhile. */
    void awaitStatus(String observer, String target, Set<String> wanted, Duration atMost) {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        long started = System.nanoTime();
        try {
            Awaitility.await(observer + " sees " + target + " " + wanted).atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        String status = status(observer, target);
                        if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(" " + status)) {
                            seen.add(String.format("%.1fs %s", (System.nanoTime() - started) / 1e9, status));
                        }
                        return wanted.contains(status);
                    });
        } catch (RuntimeException e) {
            throw new AssertionError(e.getMessage() + "; " + observer + " showed " + target + ": " + seen + "\nnode logs:"
                    + runner.nodeLogTails(), e);
        }
    }

    /**
     * Every entry of {@code id}'s GET /cluster/transfers has the contract's fields and values, and
     * there is at least one with {@code reason} (a node lists the transfers it receives; finished ones
     * may drop out, so a missing entry is not required of every node).
     */
    List<JsonNode> transfers(String id) {
        JsonNode body = assertOk(node(id).get(raw("/cluster/transfers")));
        assertTrue(body.path("transfers").isArray(), body::toString);
        List<JsonNode> list = new ArrayList<>();
        for (JsonNode t : body.path("transfers")) {
            assertTrue(t.path("range").isArray() && t.path("range").size() == 2, t::toString);
            assertTrue(t.path("range").get(0).isIntegralNumber() && t.path("range").get(1).isIntegralNumber(),
                    () -> "tokens are JSON numbers: " + t);
            assertTrue(t.path("from").isTextual() && t.path("to").isTextual(), t::toString);
            assertTrue(Set.of("join", "leave", "remove", "replace").contains(t.path("reason").asText()), t::toString);
            assertTrue(Set.of("pending", "streaming", "done", "failed").contains(t.path("state").asText()), t::toString);
            assertTrue(t.path("keys").isIntegralNumber() && t.path("bytes").isIntegralNumber(), t::toString);
            assertTrue(t.path("bytes_per_s").isNumber(), t::toString);
            assertTrue(t.path("eta_s").isNumber() || t.path("eta_s").isNull(), t::toString);
            list.add(t);
        }
        return list;
    }

    @Override
    public void close() {
        if (up) {
            ScriptRunner.Result down = runner.run(Duration.ofSeconds(60), "down");
            assertEquals(0, down.exit(), down::output);
        }
    }
}
