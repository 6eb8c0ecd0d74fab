package io.kvorum.node.coordinator;

import static io.kvorum.node.coordinator.ReplicaStates.A;
import static io.kvorum.node.coordinator.ReplicaStates.ALL_HEALTHY;
import static io.kvorum.node.coordinator.ReplicaStates.B;
import static io.kvorum.node.coordinator.ReplicaStates.C;
import static io.kvorum.node.coordinator.ReplicaStates.DELETED_Y;
import static io.kvorum.node.coordinator.ReplicaStates.REPLICAS;
import static io.kvorum.node.coordinator.ReplicaStates.STRANGER;
import static io.kvorum.node.coordinator.ReplicaStates.X;
import static io.kvorum.node.coordinator.ReplicaStates.Y;
import static io.kvorum.node.coordinator.ReplicaStates.YZ;
import static io.kvorum.node.coordinator.ReplicaStates.Z;
import static io.kvorum.node.coordinator.ReplicaStates.primary;
import static io.kvorum.node.coordinator.ReplicaStates.standIn;
import static io.kvorum.node.coordinator.ReplicaStates.strict;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.GetCoordinator.Decision;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@link GetCoordinator} driven by a scripted transport: the test feeds replies, failures and the
 * deadline directly, in every order, and checks each decision. The every-order checks run with a
 * strict placement and with a sloppy one that has no node left to stand in (they must agree); the
 * sloppy-quorum scenarios use a walk of five nodes.
 */
class GetCoordinatorTest {
    /** What the scripted transport can deliver to the coordinator. */
    private sealed interface Event {}

    private record Reply(NodeId from, Siblings state) implements Event {}

    private record Failure(NodeId from) implements Event {}

    private record Timeout() implements Event {}

    private static final List<Event> THREE_REPLIES = List.of(new Reply(A, Y), new Reply(B, X), new Reply(C, Z));
    private static final List<Event> TWO_REPLIES_ONE_FAILURE = List.of(new Reply(A, Y), new Reply(B, X), new Failure(C));
    private static final Event FROM_STRANGER = new Reply(STRANGER, Z);
    private static final NodeId D = NodeId.of("node-d");
    private static final NodeId E = NodeId.of("node-e");
    /** The ring walk of the sloppy scenarios: a, b, c preferred, then d and e. */
    private static final List<NodeId> WALK = List.of(A, B, C, D, E);
    private static final List<Map.Entry<String, Supplier<Placement>>> PLACEMENTS_WITHOUT_STAND_INS = List.of(
            Map.entry("strict", ReplicaStates::strict), Map.entry("sloppy without spares", ReplicaStates::sloppyWithoutSpares));

    private static Decision deliver(GetCoordinator coordinator, Event event) {
        return switch (event) {
            case Reply reply -> coordinator.onReply(reply.from(), reply.state());
            case Failure failure -> coordinator.onFailure(failure.from(), "unreachable");
            case Timeout timeout -> coordinator.onTimeout();
        };
    }

    /** The decisions for {@code script}, one per event, after checking the start decision is empty. */
    private static List<Decision> run(int r, List<Event> script) {
        return run(strict(), r, script);
    }

    private static List<Decision> run(Placement placement, int r, List<Event> script) {
        GetCoordinator coordinator = new GetCoordinator(r, placement, ALL_HEALTHY, NO_PRUNING);
        assertNothing(coordinator.start(), "start");
        List<Decision> decisions = new ArrayList<>();
        for (Event event : script) {
            decisions.add(deliver(coordinator, event));
        }
        return decisions;
    }

    private static void assertNothing(Decision decision, String where) {
        assertEquals(new Decision(Optional.empty(), List.of(), List.of(), 0, false, List.of()), decision, where);
    }

    private static Siblings join(Map<NodeId, Siblings> states) {
        Siblings joined = Siblings.EMPTY;
        for (Siblings state : states.values()) {
            joined = joined.merge(state, NO_PRUNING);
        }
        return joined;
    }

    private static ReadOutcome outcomeOf(Siblings state) {
        return state.hasLiveValue() ? new ReadOutcome.Found(state.live(), state.context()) : new ReadOutcome.NotFound(state.context());
    }

    private static boolean isFirstFromReplica(NodeId from, Map<NodeId, Siblings> heard, Set<NodeId> failed) {
        return REPLICAS.contains(from) && !heard.containsKey(from) && !failed.contains(from);
    }

    private static List<String> liveValues(Decision decision) {
        return ((ReadOutcome.Found) decision.answer().orElseThrow()).values().stream().map(s -> s.value().utf8String()).toList();
    }

    /** Every replica that answered with less than the join of all answers gets the join, in node order. */
    private static List<Repair> expectedRepairs(Map<NodeId, Siblings> heard) {
        Siblings all = join(heard);
        List<Repair> repairs = new ArrayList<>();
        heard.forEach((node, state) -> {
            if (!state.equals(all)) {
                repairs.add(new Repair(node, all));
            }
        });
        return repairs;
    }

    /**
     * Checks every decision of {@code script}: the answer comes once, exactly at the r-th distinct
     * success (merging those r) or at the failure that makes r unreachable or at the deadline; the
     * operation finishes once, when every replica answered or at the deadline, with repairs from
     * everything heard; duplicates and strangers change nothing; with no node to stand in, nobody
     * else is asked. Returns the answer and the repairs, which both placements must agree on.
     */
    private static List<Object> checkScript(int r, List<Event> script) {
        Set<List<Object>> results = new HashSet<>();
        for (Map.Entry<String, Supplier<Placement>> placement : PLACEMENTS_WITHOUT_STAND_INS) {
            results.add(checkScript(placement.getKey(), placement.getValue().get(), r, script));
        }
        assertEquals(1, results.size(), "r=" + r + " script=" + script + ": the placements disagree: " + results);
        return results.iterator().next();
    }

    private static List<Object> checkScript(String placementName, Placement placement, int r, List<Event> script) {
        String where = placementName + " r=" + r + " script=" + script;
        List<Decision> decisions = run(placement, r, script);
        Map<NodeId, Siblings> heard = new TreeMap<>();
        Set<NodeId> failed = new LinkedHashSet<>(); // in arrival order, as the answer names them
        Optional<ReadOutcome> answer = Optional.empty();
        List<Repair> repairs = null;
        for (int i = 0; i < script.size(); i++) {
            Event event = script.get(i);
            Decision decision = decisions.get(i);
            String at = where + " at event " + i + " " + event;
            boolean fresh = switch (event) {
                case Reply reply -> isFirstFromReplica(reply.from(), heard, failed);
                case Failure failure -> isFirstFromReplica(failure.from(), heard, failed);
                case Timeout timeout -> true;
            };
            if (fresh && event instanceof Reply reply) {
                heard.put(reply.from(), reply.state());
            } else if (fresh && event instanceof Failure failure) {
                failed.add(failure.from());
            }
            if (!fresh) {
                assertNothing(decision, at + " (a duplicate or a stranger)");
                continue;
            }
            Optional<ReadOutcome> expectedAnswer = Optional.empty();
            if (answer.isEmpty()) {
                if (event instanceof Timeout || REPLICAS.size() - failed.size() < r) {
                    expectedAnswer = Optional.of(new ReadOutcome.Unavailable(r, heard.size(),
                            PutCoordinatorTest.shortfall(event instanceof Timeout, List.copyOf(failed), "unreachable")));
                } else if (heard.size() == r) {
                    expectedAnswer = Optional.of(outcomeOf(join(heard)));
                }
            }
            assertEquals(expectedAnswer, decision.answer(), at);
            assertEquals(List.of(), decision.ask(), at + ": no node is left to stand in");
            answer = answer.or(decision::answer);
            boolean finishes = event instanceof Timeout || heard.size() + failed.size() == REPLICAS.size();
            assertEquals(finishes, decision.finished(), at);
            assertEquals(finishes ? expectedRepairs(heard) : List.of(), decision.repairs(), at);
            if (finishes) {
                assertTrue(repairs == null, at + ": finished twice");
                repairs = decision.repairs();
            }
        }
        assertTrue(answer.isPresent(), where + ": never answered");
        assertTrue(repairs != null, where + ": never finished");
        return List.of(answer.get(), repairs);
    }

    // ---- every order ----

    @Test
    void everyOrderOfThreeRepliesAnswersOnceAfterExactlyRReplies() {
        for (int r = 1; r <= 3; r++) {
            for (List<Event> order : Scripts.permutations(THREE_REPLIES)) {
                for (List<Event> script : Scripts.withDuplicates(order, FROM_STRANGER)) {
                    checkScript(r, script);
                }
            }
        }
    }

    @Test
    void everyOrderOfTwoRepliesAndAFailureAnswersOnce() {
        for (int r = 1; r <= 3; r++) {
            for (List<Event> order : Scripts.permutations(TWO_REPLIES_ONE_FAILURE)) {
                for (List<Event> script : Scripts.withDuplicates(order, FROM_STRANGER)) {
                    checkScript(r, script);
                }
            }
        }
    }

    @Test
    void everyOrderCutByTheDeadlineAnswersOnceAndFinishes() {
        for (int r = 1; r <= 3; r++) {
            for (List<Event> events : List.of(THREE_REPLIES, TWO_REPLIES_ONE_FAILURE)) {
                for (List<Event> order : Scripts.permutations(events)) {
                    for (List<Event> script : Scripts.cutBeforeEveryEvent(order, new Timeout())) {
                        checkScript(r, script);
                    }
                }
            }
        }
    }

    @Test
    void answerWithAllRepliesAndTheRepairsAreIndependentOfOrder() {
        Set<List<Object>> outcomes = new HashSet<>();
        for (List<Event> order : Scripts.permutations(THREE_REPLIES)) {
            outcomes.add(checkScript(3, order));
        }

        assertEquals(Set.of(List.of(new ReadOutcome.Found(YZ.live(), YZ.context()),
                List.of(new Repair(A, YZ), new Repair(B, YZ), new Repair(C, YZ)))), outcomes);
    }

    @Test
    void repairsAfterAQuorumOfOneAreIndependentOfOrder() {
        Set<Object> repairs = new HashSet<>();
        for (List<Event> order : Scripts.permutations(THREE_REPLIES)) {
            repairs.add(checkScript(1, order).get(1));
        }

        assertEquals(1, repairs.size(), "repairs differ by order: " + repairs);
    }

    // ---- scenarios ----

    @Test
    void answersWithTheMergeOfTheFirstRReplies() {
        List<Decision> decisions = run(2, List.of(new Reply(B, X), new Reply(C, Z)));

        assertEquals(Optional.empty(), decisions.get(0).answer());
        assertEquals(List.of("x", "z"), liveValues(decisions.get(1)));
        assertEquals(X.merge(Z, NO_PRUNING).context(), ((ReadOutcome.Found) decisions.get(1).answer().orElseThrow()).context());
    }

    @Test
    void lateReplyAfterTheAnswerIsIncludedInTheRepairs() {
        List<Decision> decisions = run(1, List.of(new Reply(B, X), new Reply(C, Z), new Reply(A, Y)));

        assertEquals(List.of("x"), liveValues(decisions.get(0)));
        assertFalse(decisions.get(1).finished());
        assertEquals(List.of(new Repair(A, YZ), new Repair(B, YZ), new Repair(C, YZ)), decisions.get(2).repairs());
    }

    @Test
    void onlyTheReplicaWithAnOlderStateIsRepaired() {
        List<Decision> decisions = run(2, List.of(new Reply(A, YZ), new Reply(B, X), new Reply(C, YZ)));

        assertEquals(List.of(new Repair(B, YZ)), decisions.get(2).repairs());
        assertEquals(List.of("y", "z"), liveValues(decisions.get(1)));
    }

    @Test
    void agreeingRepliesNeedNoRepair() {
        List<Decision> decisions = run(2, List.of(new Reply(A, YZ), new Reply(B, YZ), new Reply(C, YZ)));

        assertTrue(decisions.get(2).finished());
        assertEquals(List.of(), decisions.get(2).repairs());
    }

    @Test
    void replicasWithoutTheKeyAreRepairedWithTheValue() {
        List<Decision> decisions = run(1, List.of(new Reply(A, Siblings.EMPTY), new Reply(B, Y), new Failure(C)));

        assertEquals(new ReadOutcome.NotFound(Siblings.EMPTY.context()), decisions.get(0).answer().orElseThrow());
        assertEquals(List.of(new Repair(A, Y)), decisions.get(2).repairs(), "the failed replica gets no repair");
    }

    @Test
    void aTombstoneReadsAsNotFoundWithItsContext() {
        List<Decision> decisions = run(2, List.of(new Reply(A, DELETED_Y), new Reply(B, Y)));

        assertEquals(new ReadOutcome.NotFound(DELETED_Y.context()), decisions.get(1).answer().orElseThrow());
    }

    @Test
    void aKeyNobodyWroteIsNotFoundWithAnEmptyContextAndNoRepairs() {
        List<Decision> decisions = run(3, List.of(new Reply(A, Siblings.EMPTY), new Reply(B, Siblings.EMPTY), new Reply(C, Siblings.EMPTY)));

        assertEquals(new ReadOutcome.NotFound(Siblings.EMPTY.context()), decisions.get(2).answer().orElseThrow());
        assertEquals(List.of(), decisions.get(2).repairs());
    }

    @Test
    void deadlineBeforeTheQuorumAnswersUnavailableWithTheCountSoFar() {
        List<Decision> decisions = run(2, List.of(new Reply(B, X), new Timeout()));

        assertEquals(Optional.of(new ReadOutcome.Unavailable(2, 1, new Shortfall(true, List.of()))), decisions.get(1).answer());
        assertTrue(decisions.get(1).finished());
        assertEquals(List.of(), decisions.get(1).repairs(), "one reply: nothing to compare it with");
    }

    @Test
    void deadlineAfterTheAnswerOnlyFinishesWithRepairs() {
        List<Decision> decisions = run(1, List.of(new Reply(B, X), new Reply(A, Y), new Timeout()));

        assertEquals(Optional.empty(), decisions.get(2).answer());
        assertTrue(decisions.get(2).finished());
        assertEquals(List.of(new Repair(B, Y)), decisions.get(2).repairs());
    }

    @Test
    void failuresThatMakeTheQuorumUnreachableAnswerAtOnce() {
        List<Decision> decisions = run(2, List.of(new Failure(A), new Failure(C)));

        assertEquals(Optional.empty(), decisions.get(0).answer());
        assertEquals(Optional.of(new ReadOutcome.Unavailable(2, 0, PutCoordinatorTest.shortfall(false, List.of(A, C), "unreachable"))),
                decisions.get(1).answer(), "gave up early, naming a and c in the order they failed");
        assertFalse(decisions.get(1).finished(), "b may still answer, for repair");
    }

    @Test
    void quorumLargerThanTheReplicasAnswersUnavailableAtStart() {
        GetCoordinator coordinator = new GetCoordinator(4, strict(), ALL_HEALTHY, NO_PRUNING);

        Decision start = coordinator.start();

        assertEquals(Optional.of(new ReadOutcome.Unavailable(4, 0, new Shortfall(false, List.of()))), start.answer());
        assertFalse(start.finished());
        assertEquals(Optional.empty(), coordinator.onReply(A, Y).answer(), "answered once only");
    }

    // ---- sloppy quorum ----

    private static Placement sloppy(Predicate<NodeId> healthy) {
        return new Placement(WALK, 3, true, healthy);
    }

    @Test
    void aFailedReplicaIsReplacedByAStandInWhoseReplyCountsTowardsR() {
        GetCoordinator coordinator = new GetCoordinator(3, sloppy(ALL_HEALTHY), ALL_HEALTHY, NO_PRUNING);
        assertNothing(coordinator.start(), "start");

        assertNothing(coordinator.onReply(A, Y), "one of three");
        Decision failed = coordinator.onFailure(C, "unreachable");
        assertEquals(List.of(standIn(D, C)), failed.ask(), "the next node of the walk stands in for c");
        assertEquals(Optional.empty(), failed.answer(), "a, b and d can still make three");
        assertNothing(coordinator.onReply(B, X), "two of three");

        Decision third = coordinator.onReply(D, Z);
        assertEquals(Optional.of(new ReadOutcome.Found(YZ.live(), YZ.context())), third.answer(), "d's reply is the third");
        assertTrue(third.finished(), "a, b and d replied, c failed");
        assertEquals(List.of(new Repair(A, YZ), new Repair(B, YZ)), third.repairs(),
                "the preferred replicas that replied are repaired; the stand-in d is not, and c failed");
    }

    @Test
    void aStrictPlacementAsksNobodyElseOnAFailure() {
        GetCoordinator coordinator = new GetCoordinator(2, new Placement(WALK, 3, false, ALL_HEALTHY), ALL_HEALTHY, NO_PRUNING);

        Decision failed = coordinator.onFailure(C, "unreachable");

        assertEquals(List.of(), failed.ask());
        assertNothing(coordinator.onReply(D, Z), "d was never asked");
    }

    @Test
    void readRepairNeverTargetsAStandIn() {
        Placement placement = sloppy(node -> !node.equals(C));
        assertEquals(List.of(primary(A), primary(B), standIn(D, C)), placement.targets(), "d stands in for the suspected c");
        GetCoordinator coordinator = new GetCoordinator(2, placement, ALL_HEALTHY, NO_PRUNING);

        coordinator.onReply(D, Siblings.EMPTY);
        Decision answered = coordinator.onReply(A, X);
        Decision last = coordinator.onReply(B, YZ);

        assertEquals(new ReadOutcome.Found(X.live(), X.context()), answered.answer().orElseThrow(), "a stand-in counts towards R");
        assertTrue(last.finished());
        assertEquals(List.of(new Repair(A, YZ)), last.repairs(), "d lacks the key too, but it keeps no copy of keys it does not own");
    }

    @Test
    void aStandInThatFailsIsReplacedByTheNextHealthyNodeOfTheWalk() {
        Predicate<NodeId> healthy = node -> !node.equals(D);
        GetCoordinator coordinator = new GetCoordinator(3, sloppy(ALL_HEALTHY), healthy, NO_PRUNING);

        assertEquals(List.of(standIn(E, B)), coordinator.onFailure(B, "unreachable").ask(), "d is suspected now, so e stands in for b");
        Decision exhausted = coordinator.onFailure(E, "unreachable");

        assertEquals(List.of(), exhausted.ask(), "no node of the walk is left");
        assertEquals(Optional.of(new ReadOutcome.Unavailable(3, 0, PutCoordinatorTest.shortfall(false, List.of(B, E), "unreachable"))),
                exhausted.answer(), "a and c alone cannot make three");
        assertEquals(Optional.empty(), coordinator.onReply(A, Y).answer(), "answered once only");
        Decision last = coordinator.onReply(C, Z);
        assertTrue(last.finished());
        assertEquals(List.of(new Repair(A, YZ), new Repair(C, YZ)), last.repairs());
    }

    @Test
    void repeatedFailuresOfOneTargetAskOneStandIn() {
        GetCoordinator coordinator = new GetCoordinator(2, sloppy(ALL_HEALTHY), ALL_HEALTHY, NO_PRUNING);

        assertEquals(List.of(standIn(D, C)), coordinator.onFailure(C, "unreachable").ask());
        assertNothing(coordinator.onFailure(C, "unreachable"), "a duplicate failure");
        assertNothing(coordinator.onReply(E, Z), "e was never asked");
    }
}
