package io.kvorum.node.core;

import io.kvorum.node.protocol.CoreMetrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the simulator, seeds 1556/1903/2123/2633/2788): a restarted node numbered
 * its requests from 1 again, so a reply to a request of its previous run, delivered after the
 * restart, was taken for the reply to an unrelated new request: a read merged another key's state,
 * and a write counted an acknowledgement that was never given.
 */
class RestartedNodeRequestIdsTest {
    private static final NodeId SELF = NodeId.of("node-1");
    private static final NodeId PEER = NodeId.of("node-2");
    private static final Key KEY = Key.of("k");

    @Test
    void aReplyToThePreviousRunIsNotMistakenForOneToThisRun() {
        long oldRequestId = firstReadRequestId(core(0));
        NodeCore restarted = core(1);
        long newRequestId = firstReadRequestId(restarted);
        assertTrue(newRequestId != oldRequestId, "request ids repeat across restarts: " + newRequestId);

        Siblings foreign = Siblings.EMPTY.write(new DotIssuer(new Actor(PEER, 0)), CausalContext.EMPTY,
                Optional.of(Bytes.utf8("\"other key\"")), 1, 50).state();
        List<Effect> effects = restarted.step(new Input.PeerReceived(PEER, new PeerMessage.ReplicaGetResponse(oldRequestId, foreign)), 10);
        assertEquals(List.of(), effects, "a stale reply changed what the restarted node does");
    }

    /** Starts a client read of {@code KEY} with r=2 and returns the request id sent to the peer. */
    private static long firstReadRequestId(NodeCore core) {
        for (Effect effect : core.step(new Input.ClientGet(1, KEY, 2, 1_000), 0)) {
            if (effect instanceof Effect.Send send && send.message() instanceof PeerMessage.ReplicaGetRequest request) {
                return request.requestId();
            }
        }
        throw new AssertionError("the read sent no request to a peer");
    }

    private static NodeCore core(long epoch) {
        List<Membership.Member> members = new ArrayList<>();
        for (NodeId id : List.of(SELF, PEER)) {
            members.add(new Membership.Member(id, "x", "x", Membership.Status.UP, OptionalDouble.empty()));
        }
        Membership membership = new StaticMembership(members, Ring.allocate(List.of(SELF, PEER), 8));
        return new NodeCore(new NodeCoreSettings(SELF, new Actor(SELF, epoch), 2, 50), membership,
                Murmur3Partitioner.INSTANCE::token, CoreMetrics.NONE);
    }
}
