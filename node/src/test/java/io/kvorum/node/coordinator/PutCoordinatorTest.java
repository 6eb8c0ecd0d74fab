package io.kvorum.node.coordinator;

import static io.kvorum.node.coordinator.ReplicaStates.A;
import static io.kvorum.node.coordinator.ReplicaStates.B;
import static io.kvorum.node.coordinator.ReplicaStates.C;
import static io.kvorum.node.coordinator.ReplicaStates.REPLICAS;
import static io.kvorum.node.coordinator.ReplicaStates.STRANGER;
import static io.kvorum.node.coordinator.ReplicaStates.X;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.PutCoordinator.Decision;
import io.kvorum.node.core.WriteOutcome;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link PutCoordinator} on replica {@code node-a} driven by a scripted transport: the local write's
 * completion, acknowledgements, failures and the deadline are fed directly, in every order.
 */
class PutCoordinatorTest {
    /** What the scripted engine and transport can deliver to the coordinator. */
    private sealed interface Event {}

    private record LocalWritten() implements Event {}

    private record LocalFailed() implements Event {}

    private record Ack(NodeId from) implements Event {}

    private record Failure(NodeId from) implements Event {}

    private record Timeout() implements Event {}

    /** The version a's engine issues: y over x, with x's context. */
    private static final Siblings.NewVersion VERSION =
            X.write(issuer(actor(A.value())), X.context(), Optional.of(bytes("y")), 1_000, NO_PRUNING);
    private static final List<Event> TWO_ACKS = List.of(new Ack(B), new Ack(C));
    private static final List<Event> ACK_AND_FAILURE = List.of(new Ack(B), new Failure(C));
    private static final Event FROM_STRANGER = new Ack(STRANGER);

    private static Decision deliver(PutCoordinator coordinator, Event event) {
        return switch (event) {
            case LocalWritten written -> coordinator.onLocalWritten(VERSION);
            case LocalFailed failed -> coordinator.onLocalFailed();
            case Ack ack -> coordinator.onAck(ack.from());
            case Failure failure -> coordinator.onFailure(failure.from());
            case Timeout timeout -> coordinator.onTimeout();
        };
    }

    private static List<Decision> run(int w, List<Event> script) {
        PutCoordinator coordinator = new PutCoordinator(A, w, REPLICAS);
        List<Decision> decisions = new ArrayList<>();
        for (Event event : script) {
            decisions.add(deliver(coordinator, event));
        }
        return decisions;
    }

    private static void assertNothing(Decision decision, String where) {
        assertEquals(new Decision(Optional.empty(), List.of(), false), decision, where);
    }

    /**
     * Checks every decision of {@code script}: nothing counts before the local write; the local
     * write (and only it) replicates to b and c; the answer comes once, exactly at the w-th distinct
     * durable acknowledgement (the local one included), at the failure that makes w unreachable, or
     * at the deadline; the operation finishes once.
     */
    private static void checkScript(int w, List<Event> script) {
        String where = "w=" + w + " script=" + script;
        List<Decision> decisions = run(w, script);
        boolean local = false;
        Set<NodeId> acked = new TreeSet<>();
        Set<NodeId> failed = new TreeSet<>();
        boolean answered = false;
        boolean finished = false;
        for (int i = 0; i < script.size(); i++) {
            Event event = script.get(i);
            Decision decision = decisions.get(i);
            String at = where + " at event " + i + " " + event;
            NodeId from = event instanceof Ack ack ? ack.from() : event instanceof Failure f ? f.from() : null;
            boolean fresh = from == null || local && REPLICAS.contains(from) && !acked.contains(from) && !failed.contains(from);
            if (!fresh) {
                assertNothing(decision, at + " (before the local write, a duplicate or a stranger)");
                continue;
            }
            if (event instanceof LocalWritten) {
                local = true;
                acked.add(A);
            } else if (event instanceof Ack) {
                acked.add(from);
            } else if (event instanceof Failure) {
                failed.add(from);
            }
            Optional<WriteOutcome> expected = Optional.empty();
            if (!answered && acked.size() == w && !(event instanceof Timeout)) {
                expected = Optional.of(new WriteOutcome.Written(VERSION.versionContext()));
            } else if (!answered && (event instanceof Timeout || REPLICAS.size() - failed.size() < w)) {
                expected = Optional.of(new WriteOutcome.Unavailable(w, acked.size()));
            }
            assertEquals(expected, decision.answer(), at);
            answered |= expected.isPresent();
            assertEquals(event instanceof LocalWritten ? List.of(B, C) : List.of(), decision.replicateTo(), at);
            boolean finishes = event instanceof Timeout || acked.size() + failed.size() == REPLICAS.size();
            assertEquals(finishes, decision.finished(), at);
            assertTrue(!(finishes && finished), at + ": finished twice");
            finished |= finishes;
        }
        assertTrue(answered, where + ": never answered");
        assertTrue(finished, where + ": never finished");
    }

    private static List<List<Event>> localWriteAtEveryPoint(List<Event> order) {
        List<List<Event>> scripts = new ArrayList<>();
        for (int at = 0; at <= order.size(); at++) {
            List<Event> script = new ArrayList<>(order);
            script.add(at, new LocalWritten());
            if (at > 0) {
                script.addAll(order.subList(0, at)); // what arrived early is delivered again, as a retry would
            }
            scripts.add(script);
        }
        return scripts;
    }

    // ---- every order ----

    @Test
    void everyOrderOfAcksAnswersOnceAfterExactlyWAcks() {
        for (int w = 1; w <= 3; w++) {
            for (List<Event> events : List.of(TWO_ACKS, ACK_AND_FAILURE)) {
                for (List<Event> order : Scripts.permutations(events)) {
                    for (List<Event> script : Scripts.withDuplicates(order, FROM_STRANGER)) {
                        checkScript(w, prepend(new LocalWritten(), script));
                    }
                }
            }
        }
    }

    @Test
    void repliesBeforeTheLocalWriteAreIgnored() {
        for (int w = 1; w <= 3; w++) {
            for (List<Event> order : Scripts.permutations(ACK_AND_FAILURE)) {
                for (List<Event> script : localWriteAtEveryPoint(order)) {
                    checkScript(w, script);
                }
            }
        }
    }

    @Test
    void everyOrderCutByTheDeadlineAnswersOnceAndFinishes() {
        for (int w = 1; w <= 3; w++) {
            for (List<Event> events : List.of(TWO_ACKS, ACK_AND_FAILURE)) {
                for (List<Event> order : Scripts.permutations(events)) {
                    for (List<Event> script : Scripts.cutBeforeEveryEvent(prepend(new LocalWritten(), order), new Timeout())) {
                        checkScript(w, script);
                    }
                }
            }
        }
    }

    private static List<Event> prepend(Event first, List<Event> rest) {
        List<Event> script = new ArrayList<>();
        script.add(first);
        script.addAll(rest);
        return script;
    }

    // ---- scenarios ----

    @Test
    void replicatesTheNewVersionToTheOtherReplicasOnlyAfterTheLocalWrite() {
        PutCoordinator coordinator = new PutCoordinator(B, 2, REPLICAS);

        assertNothing(coordinator.onAck(A), "an ack before anything was sent");
        Decision local = coordinator.onLocalWritten(VERSION);

        assertEquals(List.of(A, C), local.replicateTo(), "every replica but the coordinator, in preference order");
        assertEquals(Optional.empty(), local.answer());
    }

    @Test
    void anIssuedVersionIsReplicatedAtOnceButCountsOnlyWhenDurable() {
        PutCoordinator coordinator = new PutCoordinator(B, 3, REPLICAS);

        Decision issued = coordinator.onLocalIssued(VERSION);
        assertEquals(List.of(A, C), issued.replicateTo(), "the replicas sync in parallel with the coordinator");
        assertEquals(Optional.empty(), issued.answer());
        assertEquals(Optional.empty(), coordinator.onAck(A).answer());
        assertEquals(Optional.empty(), coordinator.onAck(C).answer(), "two of three: the local copy is not durable yet");

        Decision durable = coordinator.onLocalDurable();
        assertTrue(durable.answer().orElseThrow() instanceof WriteOutcome.Written, durable::toString);
        assertTrue(durable.finished());
    }

    @Test
    void theReplicasCanSatisfyTheQuorumBeforeTheLocalSyncEnds() {
        PutCoordinator coordinator = new PutCoordinator(B, 2, REPLICAS);

        coordinator.onLocalIssued(VERSION);
        coordinator.onAck(A);
        Decision second = coordinator.onAck(C);

        assertTrue(second.answer().orElseThrow() instanceof WriteOutcome.Written, second::toString);
        assertFalse(second.finished(), "still waiting for the local sync");
        assertTrue(coordinator.onLocalDurable().finished());
    }

    @Test
    void aFailedLocalSyncAfterReplicationCountsAsOneFailedReplica() {
        PutCoordinator coordinator = new PutCoordinator(B, 3, REPLICAS);

        coordinator.onLocalIssued(VERSION);
        Decision failed = coordinator.onLocalFailed();

        assertEquals(new WriteOutcome.Unavailable(3, 0), failed.answer().orElseThrow(), "three acks can no longer come");
        assertEquals(List.of(), failed.replicateTo(), "nothing is sent twice");
    }

    @Test
    void writeQuorumOfOneAnswersAtTheLocalWriteWithTheVersionContext() {
        Decision local = run(1, List.of(new LocalWritten())).get(0);

        assertEquals(Optional.of(new WriteOutcome.Written(VERSION.versionContext())), local.answer());
        assertEquals(List.of(B, C), local.replicateTo());
        assertFalse(local.finished(), "still waits for acks until the deadline");
    }

    @Test
    void failedLocalWriteAnswersUnavailableAndReplicatesNothing() {
        Decision failed = run(2, List.of(new LocalFailed())).get(0);

        assertEquals(new Decision(Optional.of(new WriteOutcome.Unavailable(2, 0)), List.of(), true), failed);
    }

    @Test
    void deadlineBeforeTheLocalWriteAnswersUnavailableWithNoAcks() {
        Decision timeout = run(1, List.of(new Timeout())).get(0);

        assertEquals(new Decision(Optional.of(new WriteOutcome.Unavailable(1, 0)), List.of(), true), timeout);
    }

    @Test
    void deadlineAfterTheAnswerOnlyFinishes() {
        List<Decision> decisions = run(2, List.of(new LocalWritten(), new Ack(C), new Timeout()));

        assertEquals(Optional.of(new WriteOutcome.Written(VERSION.versionContext())), decisions.get(1).answer());
        assertEquals(new Decision(Optional.empty(), List.of(), true), decisions.get(2));
    }

    @Test
    void aFailureThatMakesTheQuorumUnreachableAnswersAtOnce() {
        List<Decision> decisions = run(3, List.of(new LocalWritten(), new Failure(C)));

        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 1)), decisions.get(1).answer());
        assertFalse(decisions.get(1).finished(), "b may still acknowledge");
    }

    @Test
    void coordinatorMustBeAReplica() {
        assertThrows(IllegalArgumentException.class, () -> new PutCoordinator(STRANGER, 1, REPLICAS));
    }

    @Test
    void localWriteCompletingTwiceIsAProgrammerError() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, REPLICAS);
        coordinator.onLocalWritten(VERSION);

        assertThrows(IllegalStateException.class, () -> coordinator.onLocalWritten(VERSION));
    }
}
