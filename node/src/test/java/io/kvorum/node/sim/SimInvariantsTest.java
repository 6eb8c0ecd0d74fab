package io.kvorum.node.sim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Dot;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each of the simulator's per-event invariants notices a break (so a green simulation means something). */
class SimInvariantsTest {
    private static final NodeId A = NodeId.of("node-a");
    private static final NodeId B = NodeId.of("node-b");
    private static final Key KEY = Key.of("k");
    private final SimInvariants invariants = new SimInvariants();

    private static Siblings.NewVersion write(Siblings state, CausalContext context, String value) {
        return state.write(new DotIssuer(new Actor(A, 0)), context, Optional.of(Bytes.utf8(value)), 1, 50);
    }

    @Test
    void aSiblingDroppedWithoutACoveringContextIsCaught() {
        Siblings one = write(Siblings.EMPTY, CausalContext.EMPTY, "\"1\"").state();
        Siblings superseded = write(one, one.context(), "\"2\"").state();
        invariants.stateChanged(A, KEY, one, superseded); // the context covers the dropped version: fine
        Siblings unrelated = new Siblings(CausalContext.EMPTY.add(one.siblings().getFirst().dot(), 1), List.of());
        invariants.stateChanged(A, KEY, one, unrelated); // a covering context without values: a delete, fine
        Siblings forgot = new Siblings(CausalContext.EMPTY.add(new Dot(new Actor(A, 0), 7), 1), List.of());
        assertThrows(IllegalStateException.class, () -> invariants.stateChanged(A, KEY, one, forgot),
                "version 1 gone, and the context names actor A but does not cover it");
    }

    @Test
    void aDotIssuedTwiceIsCaught() {
        Siblings.NewVersion version = write(Siblings.EMPTY, CausalContext.EMPTY, "\"1\"");
        invariants.dotIssued(A, KEY, version.dot());
        invariants.dotIssued(A, Key.of("other"), version.dot()); // another key's version: another history
        assertThrows(IllegalStateException.class, () -> invariants.dotIssued(A, KEY, version.dot()));
    }

    @Test
    void aReplyToARequestNeverSentIsCaught() {
        invariants.sent(A, B, new PeerMessage.ReplicaGetRequest(5, KEY));
        invariants.delivered(B, A, new PeerMessage.ReplicaGetResponse(5, Siblings.EMPTY));
        assertThrows(IllegalStateException.class, () -> invariants.delivered(B, A, new PeerMessage.ReplicaPutResponse(6)));
        assertThrows(IllegalStateException.class, () -> invariants.delivered(A, B, new PeerMessage.ReplicaGetResponse(5, Siblings.EMPTY)));
    }

    @Test
    void acknowledgementsBeyondWhatWasSentAreCaught() {
        invariants.sent(A, B, new PeerMessage.ReplicaPutRequest(5, KEY, Siblings.EMPTY));
        invariants.writeAnswered(A, KEY, new WriteOutcome.Written(CausalContext.EMPTY,
                List.of(new Ack(A, Optional.empty()), new Ack(B, Optional.empty()))));
        assertThrows(IllegalStateException.class, () -> invariants.writeAnswered(A, KEY, new WriteOutcome.Written(CausalContext.EMPTY,
                List.of(new Ack(B, Optional.empty()), new Ack(B, Optional.empty())))), "one node counted twice");
        assertThrows(IllegalStateException.class, () -> invariants.writeAnswered(A, Key.of("other"), new WriteOutcome.Written(
                CausalContext.EMPTY, List.of(new Ack(B, Optional.empty())))), "an ack from a node the write never went to");
        assertTrue(invariants.checks() > 0);
    }
}
