package io.kvorum.node.core;

import io.kvorum.node.protocol.WriteOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.ScriptedCluster.Envelope;
import io.kvorum.node.core.ScriptedCluster.Reachability;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodeCore} with a sloppy quorum on a {@link ScriptedCluster} of five nodes and N=3: the
 * write receipt, stand-ins that keep hints, the hedge, hints kept by the coordinator, and handoff
 * of a hint back to its owner. Every test ends by firing all timers and checking that nothing is
 * left behind.
 */
class NodeCoreSloppyQuorumTest {
    private ScriptedCluster cluster = new ScriptedCluster(5, 3);
    private final Key key = Key.of("cart:7");
    private final List<NodeId> replicas = cluster.preferenceList(key);
    private final NodeId coordinator = replicas.get(0);
    private final NodeId second = replicas.get(1);
    private final NodeId down = replicas.get(2);

    @AfterEach
    void leavesNothingBehind() {
        cluster.assertLeavesNothingBehind();
    }

    private static Ack primary(NodeId node) {
        return new Ack(node, Optional.empty());
    }

    /** The one stand-in asked to hold a hint for {@code down} so far. */
    private NodeId standInAsked() {
        List<Envelope> hinted = cluster.inFlight(envelope -> envelope.message() instanceof ReplicaPutRequest request
                && request.hintFor().isPresent());
        assertEquals(1, hinted.size(), "one stand-in: " + hinted);
        assertEquals(Optional.of(down), ((ReplicaPutRequest) hinted.get(0).message()).hintFor());
        assertFalse(replicas.contains(hinted.get(0).to()), "a stand-in is not a preferred replica");
        return hinted.get(0).to();
    }

    @Test
    void aRefusedReplicaIsStoodInForAndTheReceiptNamesTheFallback() {
        cluster.reachability(down, Reachability.REFUSING);

        long id = cluster.write(coordinator, key, "v", Optional.empty(), 3);
        NodeId standIn = standInAsked();
        cluster.settle();

        WriteOutcome.Written written = assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
        assertEquals(List.of(primary(coordinator), primary(second), new Ack(standIn, Optional.of(down))), written.acks());
        assertEquals(1, cluster.hintCount(standIn, down));
        assertEquals(Siblings.EMPTY, cluster.state(standIn, key), "a stand-in keeps the write as a hint, not as its own data");
        assertEquals(0, cluster.hintCount(coordinator, down), "the stand-in holds the copy, so the coordinator keeps none");
    }

    @Test
    void aStrictWriteGetsNoStandInAndTheCoordinatorKeepsTheHint() {
        cluster.reachability(down, Reachability.REFUSING);

        long id = cluster.write(coordinator, key, "v", Optional.empty(), 3, false);
        cluster.settle();

        assertEquals(new WriteOutcome.Unavailable(3, 1, NodeCoreTest.refused(down, "unreachable (the connection to it failed)")),
                cluster.writeReply(id), "refused before the second replica acknowledged");
        for (NodeId node : cluster.nodes()) {
            if (!node.equals(coordinator)) {
                assertEquals(0, cluster.hintCount(node, down), node + " was no stand-in");
            }
        }
        assertEquals(1, cluster.hintCount(coordinator, down), "the version exists on two replicas; the third gets it by handoff");
    }

    @Test
    void aSilentReplicaIsStoodInForAtHalfTheDeadline() {
        cluster.reachability(down, Reachability.SILENT);

        long id = cluster.write(coordinator, key, "v", Optional.empty(), 3);
        cluster.settle();
        assertTrue(cluster.writeOutcome(id).isEmpty(), "two of three");
        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS / 2);
        NodeId standIn = standInAsked();
        cluster.settle();

        WriteOutcome.Written written = assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
        assertEquals(List.of(primary(coordinator), primary(second), new Ack(standIn, Optional.of(down))), written.acks());
        cluster.fireAllTimers();
        assertEquals(1, cluster.hintCount(standIn, down));
        assertEquals(0, cluster.hintCount(coordinator, down));
    }

    @Test
    void theCoordinatorKeepsAHintWhenNoNodeIsLeftToStandIn() {
        cluster = new ScriptedCluster(3, 3);
        List<NodeId> three = cluster.preferenceList(key);
        cluster.reachability(three.get(2), Reachability.SILENT);

        long id = cluster.write(three.get(0), key, "v", Optional.empty(), 2);
        cluster.settle();
        assertEquals(List.of(primary(three.get(0)), primary(three.get(1))),
                assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id)).acks());
        assertEquals(0, cluster.hintCount(three.get(0), three.get(2)), "not before the write finishes");

        cluster.fireAllTimers();
        cluster.settle();
        assertEquals(1, cluster.hintCount(three.get(0), three.get(2)));
    }

    @Test
    void theStandInHandsTheHintBackOnceTheOwnerIsReachable() {
        cluster.reachability(down, Reachability.REFUSING);
        long id = cluster.write(coordinator, key, "v", Optional.empty(), 3);
        NodeId standIn = standInAsked();
        cluster.settle();
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
        Siblings written = cluster.state(coordinator, key);
        assertEquals(Siblings.EMPTY, cluster.state(down, key));

        cluster.reachability(down, Reachability.UP);
        cluster.tick(standIn);
        cluster.settle();

        assertEquals(written, cluster.state(down, key), "the owner merged the hint");
        assertEquals(0, cluster.hintCount(standIn, down), "deleted after the owner's acknowledgement");
    }
}
