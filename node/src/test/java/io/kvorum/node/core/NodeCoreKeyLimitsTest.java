package io.kvorum.node.core;

import io.kvorum.node.protocol.WriteOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-key limits in the core: a write past a limit is refused by its coordinator before anything is
 * stored or sent, a forwarded write brings the refusal back to the node the client asked, and a
 * write with a covering context always gets through.
 */
class NodeCoreKeyLimitsTest {
    private static final int SIBLINGS_MAX = 2;
    private final ScriptedCluster cluster = new ScriptedCluster(4, 3, new KeyLimits(SIBLINGS_MAX, Long.MAX_VALUE));

    @AfterEach
    void leavesNothingBehind() {
        cluster.assertLeavesNothingBehind();
    }

    private WriteOutcome write(NodeId at, Key key, String value, Optional<CausalContext> context) {
        long id = cluster.write(at, key, value, context, 2);
        cluster.settle();
        return cluster.writeReply(id);
    }

    @Test
    void aBlindWritePastTheLimitIsRefusedAndNothingIsStoredOrSent() {
        Key key = Key.of("k");
        NodeId coordinator = cluster.preferenceList(key).get(0);
        write(coordinator, key, "a", Optional.empty());
        write(coordinator, key, "b", Optional.empty());
        List<Siblings> before = cluster.preferenceList(key).stream().map(node -> cluster.state(node, key)).toList();

        long id = cluster.write(coordinator, key, "c", Optional.empty(), 2);
        assertTrue(cluster.inFlight(e -> e.message() instanceof ReplicaPutRequest).isEmpty(), "a refused write was replicated");
        cluster.settle();

        WriteOutcome.Refused refused = assertInstanceOf(WriteOutcome.Refused.class, cluster.writeReply(id));
        assertEquals(new KeyLimits.Exceeded(KeyLimits.Limit.SIBLINGS, 3, SIBLINGS_MAX), refused.exceeded());
        assertEquals(before, cluster.preferenceList(key).stream().map(node -> cluster.state(node, key)).toList());
    }

    @Test
    void aForwardedWriteBringsTheRefusalBack() {
        Key key = cluster.key("forwarded", replicas -> !replicas.contains(cluster.node(3)));
        NodeId outsider = cluster.node(3);
        write(outsider, key, "a", Optional.empty());
        write(outsider, key, "b", Optional.empty());

        WriteOutcome outcome = write(outsider, key, "c", Optional.empty());

        assertEquals(new WriteOutcome.Refused(new KeyLimits.Exceeded(KeyLimits.Limit.SIBLINGS, 3, SIBLINGS_MAX)), outcome);
    }

    @Test
    void aWriteWhoseContextCoversTheSiblingsIsAcceptedAtTheLimit() {
        Key key = Key.of("k");
        NodeId coordinator = cluster.preferenceList(key).get(1);
        write(coordinator, key, "a", Optional.empty());
        write(coordinator, key, "b", Optional.empty());
        CausalContext seen = cluster.state(coordinator, key).context();

        assertInstanceOf(WriteOutcome.Written.class, write(coordinator, key, "resolved", Optional.of(seen)));

        for (NodeId replica : cluster.preferenceList(key)) {
            assertEquals(List.of("resolved"), cluster.state(replica, key).live().stream().map(s -> s.value().utf8String()).toList(),
                    "on " + replica);
        }
        assertInstanceOf(WriteOutcome.Written.class, write(coordinator, key, "again", Optional.empty()));
    }
}
