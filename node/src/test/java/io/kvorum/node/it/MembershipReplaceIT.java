package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, replacement of a dead node, on real processes: 3 nodes (N=3), 300 keys with w=all,
 * {@code scripts/kvorum kill node-3}, then {@code replace node-3 node-4}, which starts node-4 with
 * {@code cluster.replace=node-3}. Once it returns, node-4 owns exactly node-3's old tokens, no node
 * lists node-3 in the ring, node-4 holds every key before anyone reads, and reading them all back
 * with r=all repairs nothing.
 */
class MembershipReplaceIT {
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
    void aReplacementTakesTheDeadNodesTokensAndStreamsItsRanges() throws IOException {
        cluster = MembershipScenario.up(temp, 3, 4, Map.of());
        List<String> old = List.of("node-1", "node-2", "node-3");
        List<String> keys = cluster.writeKeys("replace", KEYS, old);
        List<String> deadTokens = cluster.tokensOf("node-3", "node-1");
        assertFalse(deadTokens.isEmpty(), "node-3 has no tokens in /cluster/ring?tokens=true");

        cluster.scriptOk("kill", "node-3");
        ScriptRunner.Result replace = cluster.scriptOk("replace", "node-3", "node-4");
        assertTrue(replace.output().contains("node-3 was replaced by node-4"), replace::output);
        List<String> now = List.of("node-1", "node-2", "node-4");
        for (String observer : now) {
            assertEquals(Set.copyOf(now), cluster.ringOwners(observer), observer);
            assertEquals("up", cluster.status(observer, "node-4"), observer);
            String status = cluster.status(observer, "node-3");
            assertTrue(status.equals("absent") || status.equals("removed"), observer + " shows node-3 " + status);
        }
        assertEquals(deadTokens, cluster.tokensOf("node-4", "node-1"), "node-4 did not take node-3's tokens");

        assertEquals(KEYS, cluster.gauge("node-4", "storage.keys"), "keys on node-4 once it replaced node-3");
        assertTrue(cluster.counterSum("transfer.keys", now) >= KEYS, "transfer.keys does not count what node-4 received");
        long repairsBefore = cluster.counterSum("kv.read-repairs", now);
        cluster.readAllBack(keys, now);
        assertEquals(repairsBefore, cluster.counterSum("kv.read-repairs", now), "reads with r=all had to repair keys");

        // The replacement is done: the flag is gone from node-4's arguments, so a restart is a plain one.
        assertFalse(Files.readString(temp.resolve("data/node-4/args")).contains("cluster.replace"), "node-4's args");
        ScriptRunner.Result status = cluster.scriptOk("status");
        assertTrue(status.output().lines().anyMatch(line -> line.startsWith("node-3") && line.contains("replaced")), status::output);
    }
}
