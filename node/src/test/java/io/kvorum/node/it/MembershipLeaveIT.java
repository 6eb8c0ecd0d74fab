package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, leave (decommission), on real processes: 4 nodes (N=3), 150 keys of 20 KB with w=all, then
 * {@code scripts/kvorum leave node-2} with streaming throttled ({@code transfer.rate}) so that the
 * change is seen in flight: node-2 shows {@code leaving}, and a second change is refused with
 * {@code 409 change_in_flight}. When the script returns, node-2's process has exited, no node lists
 * it in the ring, each of the three left holds every key before anyone reads, and reading them all
 * back with r=all repairs nothing.
 */
class MembershipLeaveIT {
    private static final int KEYS = 150;

    @TempDir
    Path temp;

    private MembershipScenario cluster;

    @AfterEach
    void down() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aLeavingNodeHandsItsRangesOverThenExits() {
        // node-2 replicates about 2.2 MB of the 3 MB written; each of the three others receives about a
        // third of it at transfer.rate's 64 KiB/s (its least): over 10 s in which the change is in flight,
        // however fast the machine.
        cluster = MembershipScenario.up(temp, 4, 4, Map.of("KVORUM_TRANSFER_RATE", "64KiB"));
        List<String> all = List.of("node-1", "node-2", "node-3", "node-4");
        List<String> keys = cluster.writeKeys("leave", KEYS, all, 20_000);

        // Its own thread: in the common pool, the script's wait would hold up the JDK HTTP client's
        // completions (on 2 cores the pool has one thread), and every request below with it.
        ExecutorService scriptThread = Executors.newSingleThreadExecutor();
        CompletableFuture<ScriptRunner.Result> leave = CompletableFuture.supplyAsync(() -> cluster.script("leave", "node-2"), scriptThread);
        scriptThread.shutdown();
        cluster.awaitStatus("node-3", "node-2", Set.of("leaving"), Duration.ofSeconds(60));
        Answer second = cluster.node("node-3").send("POST", "/cluster/leave", null);
        JsonNode refused = assertError(second, 409, "change_in_flight");
        assertTrue(refused.path("message").asText().length() > 0, second::toString);
        assertEquals("up", cluster.status("node-1", "node-3"), "a refused leave changed node-3's status");

        ScriptRunner.Result result = leave.join();
        if (result.exit() != 0) {
            throw new AssertionError("leave node-2 failed:\n" + result.output() + "\nnode logs:" + cluster.runner.nodeLogTails());
        }
        assertTrue(result.output().contains("node-2 left the cluster"), result::output);
        assertTrue(cluster.refusesConnections("node-2"), "node-2 still answers after it left");
        List<String> left = List.of("node-1", "node-3", "node-4");
        for (String observer : left) {
            assertEquals(Set.copyOf(left), cluster.ringOwners(observer), observer);
            String status = cluster.status(observer, "node-2");
            assertTrue(status.equals("absent") || status.equals("removed"), observer + " shows node-2 " + status);
        }
        // N=3 on three nodes: each holds every key, and had it before any read.
        for (String id : left) {
            assertEquals(KEYS, cluster.gauge(id, "storage.keys"), () -> id + "'s storage.keys after node-2 left");
        }
        assertTrue(cluster.counterSum("transfer.keys", left) > 0, "transfer.keys on the nodes that took node-2's ranges");

        long repairsBefore = cluster.counterSum("kv.read-repairs", left);
        cluster.readAllBack(keys, left);
        assertEquals(repairsBefore, cluster.counterSum("kv.read-repairs", left), "reads with r=all had to repair keys");

        ScriptRunner.Result again = cluster.script("leave", "node-2");
        assertNotEquals(0, again.exit(), again::output);
        assertTrue(again.output().contains("node-2 left"), again::output);
    }
}
