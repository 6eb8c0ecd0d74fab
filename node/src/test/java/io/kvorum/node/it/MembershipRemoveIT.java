package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, removal of a dead node, on real processes: 4 nodes (N=3), 300 keys with w=all. While
 * node-4 runs, {@code POST /cluster/remove/node-4} is refused with {@code 409 node_reachable}, and an
 * unknown node is {@code 404 unknown_node}. Then {@code scripts/kvorum kill node-4} and
 * {@code remove node-4}: once it returns, no node lists node-4 in the ring, each of the three left
 * holds every key (streamed from the surviving replicas) before anyone reads, and reading them all
 * back with r=all repairs nothing.
 */
class MembershipRemoveIT {
    private static final int KEYS = 300;

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
    void aRemovedDeadNodesRangesAreStreamedFromTheSurvivors() {
        cluster = MembershipScenario.up(temp, 4, 4, Map.of());
        List<String> all = List.of("node-1", "node-2", "node-3", "node-4");
        List<String> keys = cluster.writeKeys("remove", KEYS, all);

        assertError(cluster.node("node-1").send("POST", "/cluster/remove/node-4", null), 409, "node_reachable");
        assertError(cluster.node("node-1").send("POST", "/cluster/remove/node-99", null), 404, "unknown_node");
        assertEquals("up", cluster.status("node-1", "node-4"), "a refused removal changed node-4's status");
        assertEquals(Set.copyOf(all), cluster.ringOwners("node-2"));

        cluster.scriptOk("kill", "node-4");
        ScriptRunner.Result remove = cluster.scriptOk("remove", "node-4");
        assertTrue(remove.output().contains("node-4 was removed"), remove::output);
        List<String> left = List.of("node-1", "node-2", "node-3");
        for (String observer : left) {
            assertEquals(Set.copyOf(left), cluster.ringOwners(observer), observer);
            String status = cluster.status(observer, "node-4");
            assertTrue(status.equals("absent") || status.equals("removed"), observer + " shows node-4 " + status);
        }
        for (String id : left) {
            assertEquals(KEYS, cluster.gauge(id, "storage.keys"), () -> id + "'s storage.keys after node-4 was removed");
        }
        assertTrue(cluster.counterSum("transfer.keys", left) > 0, "transfer.keys on the nodes that took node-4's ranges");

        long repairsBefore = cluster.counterSum("kv.read-repairs", left);
        cluster.readAllBack(keys, left);
        assertEquals(repairsBefore, cluster.counterSum("kv.read-repairs", left), "reads with r=all had to repair keys");
    }
}
