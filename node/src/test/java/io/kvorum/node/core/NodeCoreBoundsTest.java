package io.kvorum.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.antientropy.AntiEntropySettings;
import io.kvorum.node.handoff.HandoffSettings;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** node.operations-max bounds the operations a core coordinates and its storage operations in progress (issue 12). */
class NodeCoreBoundsTest {
    private static final NodeId SELF = NodeId.of("node-1");
    private static final NodeId PEER = NodeId.of("node-2");
    private final List<String> overloads = new ArrayList<>();

    @Test
    void aRequestPastTheOperationsBoundIsAnsweredUnavailableAtOnceNamingTheBound() {
        NodeCore core = core(2);
        core.step(new Input.ClientGet(1, Key.of("a"), 2, 60_000), 0); // waits for the peer, which never answers
        core.step(new Input.ClientGet(2, Key.of("b"), 2, 60_000), 0);
        assertEquals(2, core.operationsInFlight());

        List<Effect> refusedRead = core.step(new Input.ClientGet(3, Key.of("c"), 2, 60_000), 0);
        assertEquals(1, refusedRead.size(), "nothing is sent, stored or timed: " + refusedRead);
        ReadOutcome.Unavailable read = (ReadOutcome.Unavailable) ((Effect.ReadReply) refusedRead.getFirst()).outcome();
        assertNamesTheBound(read.shortfall());

        List<Effect> refusedWrite = core.step(new Input.ClientWrite(4, Key.of("d"), Optional.of(Bytes.utf8("1")),
                Optional.of(CausalContext.EMPTY), 2, 60_000, 1), 0);
        WriteOutcome.Unavailable write = (WriteOutcome.Unavailable) ((Effect.WriteReply) refusedWrite.getFirst()).outcome();
        assertNamesTheBound(write.shortfall());
        List<Effect> refusedDelete = core.step(new Input.ClientWrite(5, Key.of("d"), Optional.empty(), Optional.empty(), 2,
                60_000, 1), 0);
        assertTrue(((Effect.WriteReply) refusedDelete.getFirst()).outcome() instanceof WriteOutcome.Unavailable);
        assertEquals(2, core.operationsInFlight(), "the refused requests left nothing behind");
        assertEquals(List.of("operations", "operations", "operations"), overloads);
    }

    @Test
    void aStorageOperationPastItsBoundFailsAtOnceAsADiskErrorWould() {
        NodeCore core = core(1);
        List<Effect> first = core.step(new Input.PeerReceived(PEER, new PeerMessage.ReplicaGetRequest(7, Key.of("a"))), 0);
        assertTrue(first.getFirst() instanceof Effect.Storage, "the first read goes to the disk: " + first);

        List<Effect> second = core.step(new Input.PeerReceived(PEER, new PeerMessage.ReplicaGetRequest(8, Key.of("b"))), 0);
        assertEquals(1, second.size(), second.toString());
        PeerMessage.ReplicaFailure failure = (PeerMessage.ReplicaFailure) ((Effect.Send) second.getFirst()).message();
        assertEquals(8, failure.requestId());
        assertTrue(failure.reason().contains("node.operations-max"), failure.reason());
        assertEquals(List.of("storage operations"), overloads);
    }

    private static void assertNamesTheBound(Shortfall shortfall) {
        assertEquals(1, shortfall.refusals().size());
        assertEquals(SELF, shortfall.refusals().getFirst().node());
        assertTrue(shortfall.refusals().getFirst().reason().contains("node.operations-max"), shortfall.toString());
    }

    private NodeCore core(int operationsMax) {
        List<Membership.Member> members = new ArrayList<>();
        for (NodeId id : List.of(SELF, PEER)) {
            members.add(new Membership.Member(id, "x", "x", Membership.Status.UP, OptionalDouble.empty()));
        }
        Membership membership = new StaticMembership(members, Ring.allocate(List.of(SELF, PEER), 8));
        CoreMetrics metrics = new CoreMetrics() {
            @Override
            public void overloaded(String what) {
                overloads.add(what);
            }
        };
        return new NodeCore(new NodeCoreSettings(SELF, new Actor(SELF, 0), 2, 50, KeyLimits.NONE, HandoffSettings.defaults(),
                AntiEntropySettings.defaults(), operationsMax), membership, Murmur3Partitioner.INSTANCE::token, metrics);
    }
}
