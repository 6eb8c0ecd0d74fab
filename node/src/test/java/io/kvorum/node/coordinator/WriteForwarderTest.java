package io.kvorum.node.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.WriteForwarder.Decision;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.message.Shortfall.Refusal;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link WriteForwarder}: one replica at a time, healthy ones first; an answer decides, a failure moves on. */
class WriteForwarderTest {
    private static final NodeId A = NodeId.of("node-a");
    private static final NodeId B = NodeId.of("node-b");
    private static final NodeId C = NodeId.of("node-c");
    private static final List<NodeId> REPLICAS = List.of(A, B, C);
    private static final WriteOutcome WRITTEN = new WriteOutcome.Written(CausalContext.EMPTY, List.of());

    private static WriteForwarder forwarder(Set<NodeId> suspected) {
        return new WriteForwarder(2, REPLICAS, node -> !suspected.contains(node));
    }

    private static Decision forwardTo(NodeId node) {
        return new Decision(Optional.of(node), Optional.empty());
    }

    @Test
    void triesHealthyReplicasFirstInPreferenceOrderThenSuspectedOnes() {
        WriteForwarder forwarder = forwarder(new TreeSet<>(Set.of(A)));
        assertEquals(forwardTo(B), forwarder.start());
        assertEquals(forwardTo(C), forwarder.onFailure(B, "disk"));
        assertEquals(forwardTo(A), forwarder.onFailure(C, "unreachable"), "the suspected replica comes last, not never");
        assertEquals(A, forwarder.target());
    }

    @Test
    void theReplicaThatAnswersDecidesWhateverTheOutcome() {
        for (WriteOutcome outcome : List.of(WRITTEN, new WriteOutcome.Unavailable(2, 1, new Shortfall(true, List.of())),
                new WriteOutcome.Refused(new KeyLimits.Exceeded(KeyLimits.Limit.SIBLINGS, 3, 2)))) {
            WriteForwarder forwarder = forwarder(Set.of());
            forwarder.start();
            Decision decision = forwarder.onAnswer(A, outcome);
            assertEquals(new Decision(Optional.empty(), Optional.of(outcome)), decision,
                    "an unavailable replica already ran the quorum: trying another could store the write twice");
            assertTrue(decision.finished());
        }
    }

    @Test
    void everyReplicaFailingAnswersUnavailableWithEveryReason() {
        WriteForwarder forwarder = forwarder(Set.of());
        forwarder.start();
        forwarder.onFailure(A, "disk");
        forwarder.onFailure(B, "full");
        Decision last = forwarder.onFailure(C, "gone");
        assertEquals(Optional.of(new WriteOutcome.Unavailable(2, 0, new Shortfall(false,
                List.of(new Refusal(A, "disk"), new Refusal(B, "full"), new Refusal(C, "gone"))))), last.answer());
        assertEquals(Optional.empty(), last.forwardTo());
    }

    @Test
    void theDeadlineAnswersUnavailableWithTheReasonsSoFar() {
        WriteForwarder forwarder = forwarder(Set.of());
        forwarder.start();
        forwarder.onFailure(A, "disk");
        // The replica asked did not answer: whether it stored the write is unknown, not "0 acknowledged".
        assertEquals(Optional.of(new WriteOutcome.Unavailable(2, 0, new Shortfall(true, List.of(new Refusal(A, "disk")),
                Shortfall.Stored.UNKNOWN))), forwarder.onTimeout().answer());
    }

    @Test
    void repliesFromAnyoneButTheReplicaTriedNowAreIgnored() {
        WriteForwarder forwarder = forwarder(Set.of());
        forwarder.start();
        assertEquals(forwardTo(B), forwarder.onFailure(A, "disk"));
        assertFalse(forwarder.onAnswer(A, WRITTEN).finished(), "a late answer of the replica tried before");
        assertEquals(Optional.empty(), forwarder.onFailure(C, "not asked").forwardTo());
        assertEquals(B, forwarder.target());
    }

    @Test
    void nothingHappensAfterTheAnswer() {
        WriteForwarder forwarder = forwarder(Set.of());
        forwarder.start();
        assertTrue(forwarder.onAnswer(A, WRITTEN).finished());
        Decision nothing = new Decision(Optional.empty(), Optional.empty());
        assertEquals(nothing, forwarder.onAnswer(A, WRITTEN), "a duplicated answer");
        assertEquals(nothing, forwarder.onFailure(A, "late"));
        assertEquals(nothing, forwarder.onTimeout());
    }

    @Test
    void aForwardNeedsAReplica() {
        assertThrows(IllegalArgumentException.class, () -> new WriteForwarder(1, List.of(), node -> true));
    }
}
