package io.kvorum.node.coordinator;

import static io.kvorum.node.coordinator.ReplicaStates.A;
import static io.kvorum.node.coordinator.ReplicaStates.ALL_HEALTHY;
import static io.kvorum.node.coordinator.ReplicaStates.B;
import static io.kvorum.node.coordinator.ReplicaStates.C;
import static io.kvorum.node.coordinator.ReplicaStates.REPLICAS;
import static io.kvorum.node.coordinator.ReplicaStates.STRANGER;
import static io.kvorum.node.coordinator.ReplicaStates.X;
import static io.kvorum.node.coordinator.ReplicaStates.primary;
import static io.kvorum.node.coordinator.ReplicaStates.standIn;
import static io.kvorum.node.coordinator.ReplicaStates.strict;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.Placement.Target;
import io.kvorum.node.coordinator.PutCoordinator.Decision;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@link PutCoordinator} on replica {@code node-a} driven by a scripted transport: the local write's
 * completion, acknowledgements, failures and the deadline are fed directly, in every order. The
 * every-order checks run with a strict placement and with a sloppy one that has no node left to
 * stand in (they must agree); the sloppy-quorum scenarios use a walk of five nodes.
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
    private static final NodeId D = NodeId.of("node-d");
    private static final NodeId E = NodeId.of("node-e");
    /** The ring walk of the sloppy scenarios: a, b, c preferred, then d and e. */
    private static final List<NodeId> WALK = List.of(A, B, C, D, E);
    private static final List<Map.Entry<String, Supplier<Placement>>> PLACEMENTS_WITHOUT_STAND_INS = List.of(
            Map.entry("strict", ReplicaStates::strict), Map.entry("sloppy without spares", ReplicaStates::sloppyWithoutSpares));

    /** A shortfall naming {@code failed} in that order, all for {@code reason}. */
    static Shortfall shortfall(boolean timedOut, List<NodeId> failed, String reason) {
        return new Shortfall(timedOut, failed.stream().map(node -> new Shortfall.Refusal(node, reason)).toList());
    }

    private static Decision deliver(PutCoordinator coordinator, Event event) {
        return switch (event) {
            case LocalWritten written -> coordinator.onLocalWritten(VERSION);
            case LocalFailed failed -> coordinator.onLocalFailed("disk error");
            case Ack ack -> coordinator.onAck(ack.from());
            case Failure failure -> coordinator.onFailure(failure.from(), "unreachable");
            case Timeout timeout -> coordinator.onTimeout();
        };
    }

    private static List<Decision> run(int w, List<Event> script) {
        return run(strict(), w, script);
    }

    private static List<Decision> run(Placement placement, int w, List<Event> script) {
        PutCoordinator coordinator = new PutCoordinator(A, w, placement, ALL_HEALTHY);
        List<Decision> decisions = new ArrayList<>();
        for (Event event : script) {
            decisions.add(deliver(coordinator, event));
        }
        return decisions;
    }

    private static void assertNothing(Decision decision, String where) {
        assertEquals(new Decision(Optional.empty(), List.of(), false, List.of()), decision, where);
    }

    /** The receipt entry of a preferred replica. */
    private static PeerMessage.Ack ack(NodeId node) {
        return new PeerMessage.Ack(node, Optional.empty());
    }

    /** The receipt entry of a stand-in for {@code owner}. */
    private static PeerMessage.Ack ackFor(NodeId node, NodeId owner) {
        return new PeerMessage.Ack(node, Optional.of(owner));
    }

    private static WriteOutcome written(PeerMessage.Ack... acks) {
        return new WriteOutcome.Written(VERSION.versionContext(), List.of(acks));
    }

    /**
     * Checks every decision of {@code script}: nothing counts before the local write; the local
     * write (and only it) replicates to b and c; the answer comes once, exactly at the w-th distinct
     * durable acknowledgement (the local one included) with a receipt of exactly those in replica
     * order, at the failure that makes w unreachable, or at the deadline; the operation finishes
     * once, keeping hints for b and c unless they acknowledged (and for nobody when nothing was written).
     */
    private static void checkScript(int w, List<Event> script) {
        for (Map.Entry<String, Supplier<Placement>> placement : PLACEMENTS_WITHOUT_STAND_INS) {
            checkScript(placement.getKey(), placement.getValue().get(), w, script);
        }
    }

    private static void checkScript(String placementName, Placement placement, int w, List<Event> script) {
        String where = placementName + " w=" + w + " script=" + script;
        List<Decision> decisions = run(placement, w, script);
        boolean local = false;
        Set<NodeId> acked = new TreeSet<>();
        Set<NodeId> failed = new LinkedHashSet<>();
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
                expected = Optional.of(new WriteOutcome.Written(VERSION.versionContext(),
                        REPLICAS.stream().filter(acked::contains).map(PutCoordinatorTest::ack).toList()));
            } else if (!answered && (event instanceof Timeout || REPLICAS.size() - failed.size() < w)) {
                expected = Optional.of(new WriteOutcome.Unavailable(w, acked.size(),
                        shortfall(event instanceof Timeout, List.copyOf(failed), "unreachable")));
            }
            assertEquals(expected, decision.answer(), at);
            answered |= expected.isPresent();
            assertEquals(event instanceof LocalWritten ? List.of(primary(B), primary(C)) : List.of(), decision.replicateTo(), at);
            boolean finishes = event instanceof Timeout || acked.size() + failed.size() == REPLICAS.size();
            assertEquals(finishes, decision.finished(), at);
            List<NodeId> missing = local ? List.of(B, C).stream().filter(node -> !acked.contains(node)).toList() : List.of();
            assertEquals(finishes ? missing : List.of(), decision.keepHintsFor(), at + ": hints kept for the replicas that did not acknowledge");
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
        PutCoordinator coordinator = new PutCoordinator(B, 2, strict(), ALL_HEALTHY);

        assertNothing(coordinator.onAck(A), "an ack before anything was sent");
        Decision local = coordinator.onLocalWritten(VERSION);

        assertEquals(List.of(primary(A), primary(C)), local.replicateTo(), "every replica but the coordinator, in preference order");
        assertEquals(Optional.empty(), local.answer());
    }

    @Test
    void anIssuedVersionIsReplicatedAtOnceButCountsOnlyWhenDurable() {
        PutCoordinator coordinator = new PutCoordinator(B, 3, strict(), ALL_HEALTHY);

        Decision issued = coordinator.onLocalIssued(VERSION);
        assertEquals(List.of(primary(A), primary(C)), issued.replicateTo(), "the replicas sync in parallel with the coordinator");
        assertEquals(Optional.empty(), issued.answer());
        assertEquals(Optional.empty(), coordinator.onAck(A).answer());
        assertEquals(Optional.empty(), coordinator.onAck(C).answer(), "two of three: the local copy is not durable yet");

        Decision durable = coordinator.onLocalDurable();
        assertEquals(Optional.of(written(ack(A), ack(B), ack(C))), durable.answer(), "the receipt lists the replicas in preference order");
        assertTrue(durable.finished());
        assertEquals(List.of(), durable.keepHintsFor(), "every replica has its copy");
    }

    @Test
    void theReplicasCanSatisfyTheQuorumBeforeTheLocalSyncEnds() {
        PutCoordinator coordinator = new PutCoordinator(B, 2, strict(), ALL_HEALTHY);

        coordinator.onLocalIssued(VERSION);
        coordinator.onAck(A);
        Decision second = coordinator.onAck(C);

        assertEquals(Optional.of(written(ack(A), ack(C))), second.answer(), "the coordinator's copy is not in the receipt yet");
        assertFalse(second.finished(), "still waiting for the local sync");
        assertTrue(coordinator.onLocalDurable().finished());
    }

    @Test
    void aFailedLocalSyncAfterReplicationCountsAsOneFailedReplica() {
        PutCoordinator coordinator = new PutCoordinator(B, 3, strict(), ALL_HEALTHY);

        coordinator.onLocalIssued(VERSION);
        Decision failed = coordinator.onLocalFailed("disk error");

        assertEquals(new WriteOutcome.Unavailable(3, 0, new Shortfall(false, List.of(new Shortfall.Refusal(B, "disk error")))),
                failed.answer().orElseThrow(), "three acks can no longer come, and the answer says why");
        assertEquals(List.of(), failed.replicateTo(), "nothing is sent twice");
    }

    @Test
    void writeQuorumOfOneAnswersAtTheLocalWriteWithTheVersionContext() {
        Decision local = run(1, List.of(new LocalWritten())).get(0);

        assertEquals(Optional.of(written(ack(A))), local.answer());
        assertEquals(List.of(primary(B), primary(C)), local.replicateTo());
        assertFalse(local.finished(), "still waits for acks until the deadline");
    }

    @Test
    void failedLocalWriteAnswersUnavailableAndReplicatesNothing() {
        Decision failed = run(2, List.of(new LocalFailed())).get(0);

        assertEquals(new Decision(Optional.of(new WriteOutcome.Unavailable(2, 0, shortfall(false, List.of(A), "disk error"))),
                        List.of(), true, List.of()), failed,
                "no version was issued, so there is nothing to keep a hint of");
    }

    @Test
    void deadlineBeforeTheLocalWriteAnswersUnavailableWithNoAcks() {
        Decision timeout = run(1, List.of(new Timeout())).get(0);

        assertEquals(new Decision(Optional.of(new WriteOutcome.Unavailable(1, 0, shortfall(true, List.of(), ""))), List.of(), true,
                List.of()), timeout);
    }

    @Test
    void deadlineAfterTheAnswerOnlyFinishes() {
        List<Decision> decisions = run(2, List.of(new LocalWritten(), new Ack(C), new Timeout()));

        assertEquals(Optional.of(written(ack(A), ack(C))), decisions.get(1).answer());
        assertEquals(new Decision(Optional.empty(), List.of(), true, List.of(B)), decisions.get(2),
                "b never acknowledged: the coordinator keeps its hint");
    }

    @Test
    void aFailureThatMakesTheQuorumUnreachableAnswersAtOnce() {
        List<Decision> decisions = run(3, List.of(new LocalWritten(), new Failure(C)));

        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 1, shortfall(false, List.of(C), "unreachable"))),
                decisions.get(1).answer(), "gave up early (not timed out), naming c");
        assertFalse(decisions.get(1).finished(), "b may still acknowledge");
    }

    @Test
    void coordinatorMustBeAReplica() {
        assertThrows(IllegalArgumentException.class, () -> new PutCoordinator(STRANGER, 1, strict(), ALL_HEALTHY));
    }

    @Test
    void tooFewTargetsAnswerUnavailableAtTheIssuedLocalWrite() {
        Placement placement = new Placement(REPLICAS, 3, true, node -> node.equals(A));
        PutCoordinator coordinator = new PutCoordinator(A, 2, placement, ALL_HEALTHY);

        Decision issued = coordinator.onLocalIssued(VERSION);

        assertEquals(Optional.of(new WriteOutcome.Unavailable(2, 0, shortfall(false, List.of(), ""))), issued.answer(),
                "only a is a target: two acks can never come");
        assertEquals(Optional.empty(), coordinator.onLocalDurable().answer(), "answered once only");
    }

    /**
     * Found by the model check: {@code onLocalWritten} combines {@code onLocalIssued} and
     * {@code onLocalDurable}, and once kept only the second one's answer, so an Unavailable decided
     * by the first was lost and the client never answered. (Latent in the node, which answers
     * Unavailable itself before coordinating when the placement has fewer targets than w.)
     */
    @Test
    void tooFewTargetsAnswerUnavailableAtTheDurableLocalWrite() {
        Placement placement = new Placement(REPLICAS, 3, true, node -> node.equals(A));
        PutCoordinator coordinator = new PutCoordinator(A, 2, placement, ALL_HEALTHY);

        Decision local = coordinator.onLocalWritten(VERSION);

        assertTrue(local.answer().orElseThrow() instanceof WriteOutcome.Unavailable, local::toString);
    }

    @Test
    void aStandInCannotCoordinate() {
        Placement placement = new Placement(WALK, 3, true, node -> !node.equals(A));

        assertThrows(IllegalArgumentException.class, () -> new PutCoordinator(D, 1, placement, ALL_HEALTHY), "d only stands in for a");
        assertThrows(IllegalArgumentException.class, () -> new PutCoordinator(A, 1, placement, ALL_HEALTHY), "a is not a target");
    }

    @Test
    void localWriteCompletingTwiceIsAProgrammerError() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, strict(), ALL_HEALTHY);
        coordinator.onLocalWritten(VERSION);

        assertThrows(IllegalStateException.class, () -> coordinator.onLocalWritten(VERSION));
    }

    // ---- sloppy quorum: stand-ins, receipts, kept hints, the hedge ----

    private static Placement sloppy(Predicate<NodeId> healthy) {
        return new Placement(WALK, 3, true, healthy);
    }

    @Test
    void aFailedReplicaIsReplacedByAStandInWhoseAckCountsTowardsW() {
        PutCoordinator coordinator = new PutCoordinator(A, 3, sloppy(ALL_HEALTHY), ALL_HEALTHY);

        assertEquals(List.of(primary(B), primary(C)), coordinator.onLocalWritten(VERSION).replicateTo());
        Decision failed = coordinator.onFailure(C, "unreachable");
        assertEquals(List.of(standIn(D, C)), failed.replicateTo(), "the next node of the walk takes c's copy as a hint");
        assertEquals(Optional.empty(), failed.answer(), "a, b and d can still make three");
        assertNothing(coordinator.onAck(B), "two of three");
        Decision third = coordinator.onAck(D);

        assertEquals(Optional.of(written(ack(A), ack(B), ackFor(D, C))), third.answer());
        assertTrue(third.finished());
        assertEquals(List.of(), third.keepHintsFor(), "d holds c's copy, so the coordinator keeps no hint for c");
    }

    @Test
    void theReceiptListsPrimariesAndFallbacksInPlacementOrderWhateverTheArrivalOrder() {
        Placement placement = sloppy(node -> !node.equals(B));
        assertEquals(List.of(primary(A), primary(C), standIn(D, B)), placement.targets());
        PutCoordinator coordinator = new PutCoordinator(A, 3, placement, ALL_HEALTHY);

        Decision issued = coordinator.onLocalIssued(VERSION);
        assertEquals(List.of(primary(C), standIn(D, B)), issued.replicateTo(), "the stand-in chosen up front is sent the write at once");
        assertNothing(coordinator.onAck(D), "the stand-in first");
        assertNothing(coordinator.onAck(C), "then the replica");
        Decision durable = coordinator.onLocalDurable();

        assertEquals(Optional.of(written(ack(A), ack(C), ackFor(D, B))), durable.answer());
        assertEquals(List.of(), durable.keepHintsFor());
    }

    @Test
    void theReceiptListsOnlyThoseThatAcknowledgedBeforeTheAnswer() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, sloppy(ALL_HEALTHY), ALL_HEALTHY);
        coordinator.onLocalIssued(VERSION);

        Decision second = coordinator.onAck(C);
        assertEquals(Optional.empty(), second.answer(), "the local copy is not durable yet");
        Decision answered = coordinator.onLocalDurable();
        Decision late = coordinator.onAck(B);

        assertEquals(Optional.of(written(ack(A), ack(C))), answered.answer());
        assertEquals(Optional.empty(), late.answer());
        assertTrue(late.finished());
        assertEquals(List.of(), late.keepHintsFor(), "b's late acknowledgement still counts for the hints");
    }

    @Test
    void theDeadlineKeepsHintsForTheSilentReplicasOnce() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, sloppy(ALL_HEALTHY), ALL_HEALTHY);
        coordinator.onLocalWritten(VERSION);
        assertEquals(Optional.of(written(ack(A), ack(B))), coordinator.onAck(B).answer());

        Decision timeout = coordinator.onTimeout();
        assertEquals(new Decision(Optional.empty(), List.of(), true, List.of(C)), timeout);
        assertEquals(List.of(), coordinator.onTimeout().keepHintsFor(), "only once");
    }

    @Test
    void aFailureWithoutAStandInKeepsAHintForTheReplica() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, ReplicaStates.sloppyWithoutSpares(), ALL_HEALTHY);
        coordinator.onLocalWritten(VERSION);

        Decision failed = coordinator.onFailure(C, "unreachable");
        assertEquals(List.of(), failed.replicateTo(), "no node of the walk is left");
        assertEquals(List.of(), failed.keepHintsFor(), "not before the write finishes");
        Decision last = coordinator.onAck(B);

        assertEquals(Optional.of(written(ack(A), ack(B))), last.answer());
        assertTrue(last.finished());
        assertEquals(List.of(C), last.keepHintsFor());
        assertNothing(coordinator.onAck(B), "a duplicate after the finish");
    }

    @Test
    void aStandInThatFailsWithNoneLeftKeepsAHintForItsOwner() {
        Placement placement = new Placement(List.of(A, B, C, D), 3, true, node -> !node.equals(B));
        PutCoordinator coordinator = new PutCoordinator(A, 2, placement, node -> !node.equals(B));
        coordinator.onLocalWritten(VERSION);
        assertEquals(Optional.of(written(ack(A), ack(C))), coordinator.onAck(C).answer());

        Decision failed = coordinator.onFailure(D, "unreachable");

        assertEquals(List.of(), failed.replicateTo(), "b is still suspected and no other node is left");
        assertTrue(failed.finished());
        assertEquals(List.of(B), failed.keepHintsFor(), "nobody holds b's copy; d is not an owner");
    }

    @Test
    void everyPreferredReplicaDownLeavesTheCoordinatorAloneWithTheirHints() {
        Placement placement = new Placement(REPLICAS, 3, true, node -> node.equals(A));
        assertEquals(List.of(primary(A)), placement.targets());
        PutCoordinator coordinator = new PutCoordinator(A, 1, placement, ALL_HEALTHY);

        Decision local = coordinator.onLocalWritten(VERSION);

        assertEquals(Optional.of(written(ack(A))), local.answer());
        assertEquals(List.of(), local.replicateTo());
        assertTrue(local.finished());
        assertEquals(List.of(B, C), local.keepHintsFor(), "in preference order");
    }

    @Test
    void theCoordinatorNeverKeepsAHintForItself() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, sloppy(ALL_HEALTHY), ALL_HEALTHY);
        coordinator.onLocalIssued(VERSION);

        Decision localFailed = coordinator.onLocalFailed("disk error");
        assertEquals(List.of(), localFailed.replicateTo(), "the coordinator's own copy gets no stand-in");
        coordinator.onAck(C);
        Decision last = coordinator.onAck(B);

        assertEquals(Optional.of(written(ack(B), ack(C))), last.answer());
        assertTrue(last.finished());
        assertEquals(List.of(), last.keepHintsFor(), "a's own copy failed, but a keeps no hint for itself");
    }

    @Test
    void theHedgeSendsStandInsForSilentTargetsOnly() {
        PutCoordinator coordinator = new PutCoordinator(A, 3, sloppy(ALL_HEALTHY), ALL_HEALTHY);
        assertNothing(coordinator.onHedge(), "before the local write there is nothing to send");
        coordinator.onLocalWritten(VERSION);
        coordinator.onAck(B);

        Decision hedge = coordinator.onHedge();
        assertEquals(new Decision(Optional.empty(), List.of(standIn(D, C)), false, List.of()), hedge, "b answered, c is silent");
        Decision late = coordinator.onAck(C);
        assertEquals(Optional.of(written(ack(A), ack(B), ack(C))), late.answer(), "the slow replica's late ack still counts");
        assertFalse(late.finished(), "d has not answered yet");
        assertNothing(coordinator.onHedge(), "after the answer");
        Decision last = coordinator.onAck(D);
        assertTrue(last.finished());
        assertEquals(List.of(), last.keepHintsFor());
    }

    @Test
    void theHedgeStandsInForEverySilentTargetInPlacementOrder() {
        PutCoordinator coordinator = new PutCoordinator(A, 2, sloppy(ALL_HEALTHY), ALL_HEALTHY);
        coordinator.onLocalWritten(VERSION);

        assertEquals(List.of(standIn(D, B), standIn(E, C)), coordinator.onHedge().replicateTo());
        Decision answered = coordinator.onAck(E);
        assertEquals(Optional.of(written(ack(A), ackFor(E, C))), answered.answer());
        Decision timeout = coordinator.onTimeout();
        assertEquals(List.of(B), timeout.keepHintsFor(), "d and b stayed silent; e holds c's copy");
    }

    @Test
    void theHedgeReplacesASilentStandInForTheSameOwner() {
        Predicate<NodeId> healthy = node -> !node.equals(B);
        PutCoordinator coordinator = new PutCoordinator(A, 3, sloppy(healthy), healthy);
        coordinator.onLocalWritten(VERSION);
        coordinator.onAck(C);

        assertEquals(List.of(standIn(E, B)), coordinator.onHedge().replicateTo(), "d stood in for b and is silent");
    }

    @Test
    void theHedgeDoesNothingAfterAnUnavailableAnswerOrWithAStrictPlacement() {
        PutCoordinator failed = new PutCoordinator(A, 3, sloppy(ALL_HEALTHY), node -> node.equals(A));
        failed.onLocalWritten(VERSION);
        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 1, shortfall(false, List.of(B), "unreachable"))),
                failed.onFailure(B, "unreachable").answer(), "nobody healthy to stand in");
        assertNothing(failed.onHedge(), "already answered");

        PutCoordinator strict = new PutCoordinator(A, 3, strict(), ALL_HEALTHY);
        strict.onLocalWritten(VERSION);
        assertNothing(strict.onHedge(), "a strict placement has no stand-ins");
    }

    // ---- a seeded model check over random health, replies and hedges ----

    /**
     * Random runs on a walk of five nodes, with random health, w and a random interleaving of
     * acknowledgements, failures (from targets and strangers), a hedge and the deadline, checked
     * against a model of the rules: stand-ins are the next healthy unused node of the walk; the
     * answer comes once, when w targets acknowledged (receipt in placement order) or w became
     * unreachable; hints are kept once, at the finish, for exactly the preferred replicas other
     * than the coordinator whose copy no target acknowledged.
     */
    @Test
    void randomRunsFollowTheModel() {
        Seeds.forEach(0x5106_0001L, 2_000, (seed, random) -> {
            NodeId self = REPLICAS.get(random.nextInt(3));
            Set<NodeId> down = new TreeSet<>();
            for (NodeId node : WALK) {
                if (!node.equals(self) && random.nextInt(3) == 0) {
                    down.add(node);
                }
            }
            Predicate<NodeId> healthy = node -> !down.contains(node);
            Placement placement = sloppy(healthy);
            // NodeCore answers Unavailable itself when the placement has fewer targets than w, so w is at
            // most the target count here (see tooFewTargetsAnswerUnavailableAtTheDurableLocalWrite).
            int w = 1 + random.nextInt(Math.min(3, placement.targets().size()));
            PutCoordinator coordinator = new PutCoordinator(self, w, placement, healthy);
            new PutModel(self, w, placement.targets(), healthy).run(coordinator, random);
        });
    }

    /** The rules of a sloppy write, restated plainly; {@link #run} drives a coordinator and compares. */
    private static final class PutModel {
        private final NodeId self;
        private final int w;
        private final Predicate<NodeId> healthy;
        private final List<Target> targets = new ArrayList<>();
        private final Set<NodeId> used = new TreeSet<>(REPLICAS);
        private final Set<NodeId> acked = new TreeSet<>();
        private final Set<NodeId> failed = new LinkedHashSet<>();
        private boolean issued;
        private boolean answered;

        PutModel(NodeId self, int w, List<Target> initial, Predicate<NodeId> healthy) {
            this.self = self;
            this.w = w;
            this.healthy = healthy;
            this.targets.addAll(initial);
            initial.forEach(target -> used.add(target.node()));
        }

        void run(PutCoordinator coordinator, RandomGenerator random) {
            List<String> trace = new ArrayList<>();
            for (int step = 0; step < 12; step++) {
                int kind = random.nextInt(issued ? 10 : 4);
                NodeId node = WALK.get(random.nextInt(WALK.size()));
                Decision decision;
                Decision expected;
                if (!issued && kind == 0) {
                    trace.add("local");
                    decision = coordinator.onLocalWritten(VERSION);
                    expected = local();
                } else if (kind == 1 && step > 2) {
                    trace.add("hedge");
                    decision = coordinator.onHedge();
                    expected = hedge();
                } else if (kind % 2 == 0) {
                    trace.add("ack " + node);
                    decision = coordinator.onAck(node);
                    expected = reply(node, true);
                } else {
                    trace.add("failure " + node);
                    decision = coordinator.onFailure(node, "unreachable");
                    expected = reply(node, false);
                }
                assertEquals(expected, decision, "after " + trace + " with targets " + targets);
                if (decision.finished()) {
                    return; // the driver forgets a finished write
                }
            }
            trace.add("timeout");
            Decision expected = new Decision(answered ? Optional.empty() : Optional.of(unavailable(true)), List.of(), true,
                    issued ? missing() : List.of());
            assertEquals(expected, coordinator.onTimeout(), "after " + trace + " with targets " + targets);
        }

        private Decision local() {
            issued = true;
            acked.add(self);
            List<Target> others = targets.stream().filter(target -> !target.node().equals(self)).toList();
            Decision decided = decide();
            return new Decision(decided.answer(), others, decided.finished(), decided.keepHintsFor());
        }

        private Decision hedge() {
            if (!issued || answered) {
                return new Decision(Optional.empty(), List.of(), false, List.of());
            }
            List<Target> standIns = new ArrayList<>();
            for (Target target : List.copyOf(targets)) {
                if (!target.node().equals(self) && !responded(target.node())) {
                    standIn(target.owner()).ifPresent(standIns::add);
                }
            }
            return new Decision(Optional.empty(), standIns, false, List.of());
        }

        private Decision reply(NodeId node, boolean ack) {
            boolean target = targets.stream().anyMatch(t -> t.node().equals(node));
            if (!issued || !target || responded(node)) {
                return new Decision(Optional.empty(), List.of(), false, List.of());
            }
            if (ack) {
                acked.add(node);
                return decide();
            }
            failed.add(node);
            Target owner = targets.stream().filter(t -> t.node().equals(node)).findFirst().orElseThrow();
            List<Target> standIns = standIn(owner.owner()).stream().toList();
            Decision decided = decide();
            return new Decision(decided.answer(), standIns, decided.finished(), decided.keepHintsFor());
        }

        private Optional<Target> standIn(NodeId owner) {
            for (NodeId candidate : WALK) {
                if (!used.contains(candidate) && healthy.test(candidate)) {
                    used.add(candidate);
                    Target target = new Target(candidate, Optional.of(owner));
                    targets.add(target);
                    return Optional.of(target);
                }
            }
            return Optional.empty();
        }

        private Decision decide() {
            Optional<WriteOutcome> answer = Optional.empty();
            if (!answered && acked.size() >= w) {
                answer = Optional.of(new WriteOutcome.Written(VERSION.versionContext(), targets.stream()
                        .filter(t -> acked.contains(t.node())).map(t -> new PeerMessage.Ack(t.node(), t.standInFor())).toList()));
            } else if (!answered && targets.size() - failed.size() < w) {
                answer = Optional.of(unavailable(false));
            }
            answered |= answer.isPresent();
            boolean finished = acked.size() + failed.size() == targets.size();
            return new Decision(answer, List.of(), finished, finished ? missing() : List.of());
        }

        private List<NodeId> missing() {
            return REPLICAS.stream()
                    .filter(owner -> !owner.equals(self))
                    .filter(owner -> targets.stream().noneMatch(t -> t.owner().equals(owner) && acked.contains(t.node())))
                    .toList();
        }

        private WriteOutcome unavailable(boolean timedOut) {
            return new WriteOutcome.Unavailable(w, acked.size(), shortfall(timedOut, List.copyOf(failed), "unreachable"));
        }

        private boolean responded(NodeId node) {
            return acked.contains(node) || failed.contains(node);
        }
    }
}
