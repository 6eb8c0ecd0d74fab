package io.kvorum.node.it;

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
 * Issue 13, join (bootstrap), on real processes: 300 keys written with w=all on 3 nodes, then
 * {@code scripts/kvorum start node-4}, which returns once every node shows node-4 up. By then node-4
 * already holds every key its ring position gives it (streamed, before anyone read a key), every key
 * reads back with r=all, and those reads repair nothing.
 */
class MembershipJoinIT {
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
    void aJoiningNodeStreamsItsRangesBeforeItIsUp() {
        cluster = MembershipScenario.up(temp, 3, 4, Map.of());
        List<String> old = List.of("node-1", "node-2", "node-3");
        List<String> keys = cluster.writeKeys("join", KEYS, old);

        ScriptRunner.Result start = cluster.scriptOk("start", "node-4");
        assertTrue(start.output().contains("node-4 is up on every live node"), start::output);
        List<String> all = List.of("node-1", "node-2", "node-3", "node-4");
        for (String observer : all) {
            assertEquals("up", cluster.status(observer, "node-4"), observer);
            assertEquals(Set.copyOf(all), cluster.ringOwners(observer), observer);
        }

        // Before any read: node-4 holds exactly the keys whose preference list now names it.
        long owed = cluster.keysReplicatedBy("node-4", keys, "node-1");
        assertTrue(owed > 0, "node-4 replicates none of " + KEYS + " keys");
        assertEquals(owed, cluster.gauge("node-4", "storage.keys"), "keys on node-4 after it joined");
        assertTrue(cluster.counterSum("transfer.keys", all) >= owed, "transfer.keys does not count what node-4 received");
        assertTrue(cluster.counterSum("transfer.bytes", all) > 0, "transfer.bytes");
        assertTrue(cluster.transfers("node-4").stream().allMatch(t -> t.path("to").asText().equals("node-4")),
                "a node lists only the transfers it receives");

        long repairsBefore = cluster.counterSum("kv.read-repairs", all);
        cluster.readAllBack(keys, all);
        assertEquals(repairsBefore, cluster.counterSum("kv.read-repairs", all), "reads with r=all had to repair keys");
        ScriptRunner.Result transfers = cluster.scriptOk("transfers");
        assertTrue(transfers.output().contains("node-1") || transfers.output().contains("No transfers active"), transfers::output);
    }
}
