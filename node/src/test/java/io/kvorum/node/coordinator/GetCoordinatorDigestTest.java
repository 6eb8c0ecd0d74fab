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
import static io.kvorum.node.coordinator.ReplicaStates.standIn;
import static io.kvorum.node.coordinator.ReplicaStates.strict;
import static io.kvorum.node.coordinator.ReplicaStates.values;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.GetCoordinator.Decision;
import io.kvorum.node.coordinator.ReadRepairPlanner.Repair;
import io.kvorum.node.message.PeerMessage.ReadMode;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link GetCoordinator} with digest reads that ask every replica at once ({@code askAll}; R of them
 * at first is {@link GetCoordinatorFanoutTest}'s): a is the data replica (asked for its state), b and c are
 * asked for digests. The test feeds state replies, digests, failures, the hedge point and the
 * deadline, and checks that only the data replica's state travels when the replicas agree, that a
 * mismatch or a failed or slow data replica falls back to whole states, and that the answers and
 * repairs are those of full reads.
 */
class GetCoordinatorDigestTest {
    private static final Key KEY = Key.of("k");
    private static final StateDigester DIGESTER = new StateDigester();
    private static final NodeId D = NodeId.of("node-d");
    private static final NodeId E = NodeId.of("node-e");

    private static Optional<MerkleHash> digest(Siblings state) {
        return DIGESTER.digest(KEY, state);
    }

    private static GetCoordinator digestRead(int r, Placement placement, NodeId dataReplica) {
        return new GetCoordinator(placement, ALL_HEALTHY, new GetCoordinator.Settings(r, NO_PRUNING, Outbox.WALL_UNKNOWN,
                Optional.of(dataReplica), GetCoordinatorDigestTest::digest, true));
    }

    private static GetCoordinator digestRead(int r) {
        GetCoordinator coordinator = digestRead(r, strict(), A);
        assertFalse(coordinator.start().answer().isPresent());
        return coordinator;
    }

    private static ReadOutcome outcomeOf(Siblings state) {
        return state.hasLiveValue() ? new ReadOutcome.Found(state.live(), state.context()) : new ReadOutcome.NotFound(state.context());
    }

    @Test
    void theDigestIsTheEntryHashAndAbsentForNoState() {
        assertEquals(Optional.empty(), digest(Siblings.EMPTY));
        assertEquals(digest(Y), digest(X.merge(Y, NO_PRUNING)), "equal states, equal digests");
        assertNotEquals(digest(Y), digest(YZ));
        assertNotEquals(digest(Y), digest(DELETED_Y), "a tombstone is a state: present, and not the value's");
        assertTrue(digest(DELETED_Y).isPresent());
    }

    @Test
    void theDataReplicaIsTheCoordinatorItselfWhenItIsATargetElseTheFirstHealthyTarget() {
        assertEquals(Optional.of(B), GetCoordinator.dataReplica(strict(), B, ALL_HEALTHY));
        assertEquals(Optional.of(A), GetCoordinator.dataReplica(strict(), STRANGER, ALL_HEALTHY));
        assertEquals(Optional.of(B), GetCoordinator.dataReplica(strict(), STRANGER, node -> !node.equals(A)), "a is suspected");
        assertEquals(Optional.of(A), GetCoordinator.dataReplica(strict(), STRANGER, node -> false), "nobody trusted: the first");
        Placement withStandIn = new Placement(List.of(A, B, C, D, E), 3, true, node -> !node.equals(A));
        assertEquals(List.of(ReplicaStates.primary(B), ReplicaStates.primary(C), standIn(D, A)), withStandIn.targets());
        assertEquals(Optional.of(B), GetCoordinator.dataReplica(withStandIn, D, ALL_HEALTHY), "a stand-in holds only hints: not itself");
        assertEquals(Optional.of(D), GetCoordinator.dataReplica(new Placement(List.of(A, B, C, D, E), 3, true, node -> node.equals(D)),
                D, ALL_HEALTHY), "no preferred replica is a target: the first target");
    }

    @Test
    void onlyTheDataReplicaIsAskedForItsState() {
        GetCoordinator coordinator = digestRead(2, strict(), B);

        assertEquals(List.of(ReadMode.DIGEST, ReadMode.DATA, ReadMode.DIGEST), REPLICAS.stream().map(coordinator::modeFor).toList());
        GetCoordinator full = new GetCoordinator(2, strict(), ALL_HEALTHY, NO_PRUNING);
        assertEquals(List.of(ReadMode.DATA, ReadMode.DATA, ReadMode.DATA), REPLICAS.stream().map(full::modeFor).toList());
    }

    @Test
    void agreeingDigestsAnswerAfterRWithOnlyOneStateShipped() {
        GetCoordinator coordinator = digestRead(2);

        Decision data = coordinator.onReply(A, YZ);
        assertEquals(Optional.empty(), data.answer(), "one of two");
        Decision second = coordinator.onDigest(B, digest(YZ));
        assertEquals(Optional.of(outcomeOf(YZ)), second.answer(), "b's digest equals a's state: two of two");
        assertEquals(List.of(), second.fetch());
        Decision third = coordinator.onDigest(C, digest(YZ));
        assertTrue(third.finished());
        assertEquals(List.of(), third.fetch());
        assertEquals(List.of(), third.repairs());
        assertEquals(0, data.digestMismatches() + second.digestMismatches() + third.digestMismatches());
    }

    @Test
    void digestsBeforeTheDataWaitForIt() {
        GetCoordinator coordinator = digestRead(2);

        Decision early = coordinator.onDigest(B, digest(Y));
        assertEquals(Optional.empty(), early.answer(), "a digest alone is no state");
        assertEquals(List.of(), early.fetch(), "it waits for the data replica");
        Decision data = coordinator.onReply(A, Y);
        assertEquals(Optional.of(outcomeOf(Y)), data.answer());
        assertEquals(List.of(), data.fetch());
    }

    @Test
    void aMismatchFetchesTheStateAndRepairsTheStaleReplica() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onReply(A, Y);
        Decision stale = coordinator.onDigest(B, digest(X));
        assertEquals(List.of(B), stale.fetch(), "b's digest differs: b is asked for its state");
        assertEquals(1, stale.digestMismatches());
        assertEquals(Optional.empty(), stale.answer(), "b's reply does not count before its state arrives");
        Decision agreeing = coordinator.onDigest(C, digest(Y));
        assertEquals(Optional.of(outcomeOf(Y)), agreeing.answer(), "a and c make two");
        assertFalse(agreeing.finished(), "b's state is still on its way");
        Decision fetched = coordinator.onReply(B, X);
        assertTrue(fetched.finished());
        assertEquals(List.of(new Repair(B, Y)), fetched.repairs());
    }

    @Test
    void mismatchingSiblingsAreMergedIntoTheAnswerAndEveryReplicaIsRepaired() {
        GetCoordinator coordinator = digestRead(2);

        Decision digests = coordinator.onDigest(B, digest(Z));
        assertEquals(List.of(), digests.fetch());
        coordinator.onDigest(C, digest(Z));
        Decision data = coordinator.onReply(A, Y);
        assertEquals(List.of(B, C), data.fetch(), "both digests differ from a's state");
        assertEquals(2, data.digestMismatches());
        assertEquals(Optional.empty(), data.answer());
        Decision fromB = coordinator.onReply(B, Z);
        assertEquals(List.of("y", "z"), values(YZ));
        assertEquals(Optional.of(outcomeOf(YZ)), fromB.answer(), "both siblings, as a full read answers");
        assertTrue(fromB.finished(), "c's digest equals b's state, so c stands for z without its state");
        assertEquals(List.of(new Repair(A, YZ), new Repair(B, YZ), new Repair(C, YZ)), fromB.repairs());
        assertEquals(Decision.NOTHING, coordinator.onReply(C, Z), "c's state, arriving after all, changes nothing");
    }

    @Test
    void aDigestMayEqualTheMergeOfTheStatesHeard() {
        GetCoordinator coordinator = digestRead(3);

        coordinator.onReply(A, Y);
        assertEquals(List.of(B), coordinator.onDigest(B, digest(Z)).fetch());
        coordinator.onReply(B, Z);
        Decision merged = coordinator.onDigest(C, digest(YZ));
        assertEquals(List.of(), merged.fetch(), "c holds exactly y and z: no need to ship it");
        assertEquals(Optional.of(outcomeOf(YZ)), merged.answer());
        assertEquals(List.of(new Repair(A, YZ), new Repair(B, YZ)), merged.repairs());
    }

    @Test
    void absentAndPresent() {
        GetCoordinator nowhere = digestRead(2);
        nowhere.onReply(A, Siblings.EMPTY);
        assertEquals(Optional.of(new ReadOutcome.NotFound(Siblings.EMPTY.context())), nowhere.onDigest(B, Optional.empty()).answer(),
                "two replicas without the key agree");

        GetCoordinator somewhere = digestRead(2);
        somewhere.onReply(A, Siblings.EMPTY);
        Decision present = somewhere.onDigest(B, digest(Y));
        assertEquals(List.of(B), present.fetch(), "b holds the key that a lacks");
        assertEquals(Optional.empty(), present.answer());
        assertEquals(Optional.of(outcomeOf(Y)), somewhere.onReply(B, Y).answer());
        Decision last = somewhere.onDigest(C, Optional.empty());
        assertEquals(List.of(), last.fetch(), "c lacks the key as a does: a state known already");
        assertTrue(last.finished());
        assertEquals(List.of(new Repair(A, Y), new Repair(C, Y)), last.repairs());
    }

    @Test
    void aTombstoneDigestIsNotAbsence() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onReply(A, DELETED_Y);
        assertEquals(List.of(B), coordinator.onDigest(B, Optional.empty()).fetch());
        assertEquals(Optional.of(new ReadOutcome.NotFound(DELETED_Y.context())), coordinator.onDigest(C, digest(DELETED_Y)).answer());
    }

    @Test
    void aFailedDataReplicaFallsBackToTheOthersStates() {
        GetCoordinator coordinator = digestRead(2);

        assertEquals(List.of(), coordinator.onDigest(B, digest(Y)).fetch());
        Decision failed = coordinator.onFailure(A, "unreachable");
        assertEquals(List.of(B), failed.fetch(), "nothing to compare b's digest with: b sends its state");
        assertEquals(0, failed.digestMismatches(), "a fallback, not a mismatch");
        Decision late = coordinator.onDigest(C, digest(Z));
        assertEquals(List.of(C), late.fetch(), "a later digest is fetched at once");
        coordinator.onReply(B, Y);
        Decision answered = coordinator.onReply(C, Z);
        assertEquals(Optional.of(outcomeOf(YZ)), answered.answer(), "still answers with R = 2");
        assertTrue(answered.finished());
        assertEquals(List.of(new Repair(B, YZ), new Repair(C, YZ)), answered.repairs(), "a failed: no repair");
    }

    @Test
    void aFailedDataReplicaOfASloppyReadIsReplacedByAStandInAskedForItsState() {
        GetCoordinator coordinator = digestRead(3, new Placement(List.of(A, B, C, D, E), 3, true, ALL_HEALTHY), A);

        coordinator.onDigest(B, digest(Y));
        Decision failed = coordinator.onFailure(A, "unreachable");
        assertEquals(List.of(standIn(D, A)), failed.ask(), "the stand-in is asked for its state");
        assertEquals(List.of(B), failed.fetch());
        coordinator.onReply(D, Siblings.EMPTY);
        coordinator.onReply(B, Y);
        Decision last = coordinator.onDigest(C, digest(Y));
        assertEquals(List.of(), last.fetch(), "c's digest equals b's state");
        assertEquals(Optional.of(outcomeOf(Y)), last.answer());
        assertEquals(List.of(), last.repairs(), "b and c agree; d is a stand-in");
    }

    @Test
    void aSlowDataReplicaIsPassedOverAtTheHedgePoint() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onDigest(B, digest(Y));
        coordinator.onDigest(C, digest(Y));
        Decision hedge = coordinator.onHedge();
        assertEquals(List.of(B, C), hedge.fetch(), "a is slow: b and c send their states");
        assertEquals(0, hedge.digestMismatches());
        Decision answered = coordinator.onReply(B, Y);
        assertEquals(Optional.of(outcomeOf(Y)), answered.answer(), "c's digest equals b's state: two");
        assertFalse(answered.finished(), "a may still answer, for repair");
        assertEquals(Decision.NOTHING, coordinator.onReply(C, Y));
        Decision lateData = coordinator.onReply(A, X);
        assertTrue(lateData.finished());
        assertEquals(List.of(new Repair(A, Y)), lateData.repairs());
        assertEquals(Decision.NOTHING, coordinator.onHedge(), "hedges once");
    }

    @Test
    void theHedgeChangesNothingOnceTheDataReplicaAnswered() {
        GetCoordinator coordinator = digestRead(3);

        coordinator.onReply(A, Y);
        assertEquals(Decision.NOTHING, coordinator.onHedge());
    }

    @Test
    void aLateMismatchAfterTheAnswerIsFetchedAndRepaired() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onReply(A, Y);
        assertTrue(coordinator.onDigest(B, digest(Y)).answer().isPresent());
        Decision late = coordinator.onDigest(C, digest(X));
        assertEquals(List.of(C), late.fetch());
        assertEquals(1, late.digestMismatches());
        assertFalse(late.finished());
        Decision fetched = coordinator.onReply(C, X);
        assertTrue(fetched.finished());
        assertEquals(List.of(new Repair(C, Y)), fetched.repairs());
    }

    @Test
    void aDigestStillUnresolvedAtTheDeadlineIsRepairedWithTheMerge() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onReply(A, Y);
        coordinator.onDigest(B, digest(Y));
        coordinator.onDigest(C, digest(X));
        Decision deadline = coordinator.onTimeout();
        assertEquals(Optional.empty(), deadline.answer());
        assertTrue(deadline.finished());
        assertEquals(List.of(new Repair(C, Y)), deadline.repairs());
    }

    @Test
    void unresolvedDigestsDoNotCountAtTheDeadline() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onDigest(B, digest(Y));
        coordinator.onDigest(C, digest(Y));
        Decision deadline = coordinator.onTimeout();
        assertEquals(Optional.of(new ReadOutcome.Unavailable(2, 0, new Shortfall(true, List.of()))), deadline.answer(),
                "no state arrived: nothing to answer with");
        assertEquals(List.of(), deadline.repairs(), "no state to repair with");
    }

    @Test
    void duplicateDigestsAndStrangersChangeNothing() {
        GetCoordinator coordinator = digestRead(2);

        coordinator.onReply(A, Y);
        coordinator.onDigest(C, digest(X));
        assertEquals(Decision.NOTHING, coordinator.onDigest(C, digest(X)), "a duplicate of a fetched digest");
        assertEquals(Decision.NOTHING, coordinator.onDigest(STRANGER, digest(Y)));
        assertEquals(Decision.NOTHING, coordinator.onDigest(A, digest(Y)), "a replied already");
        assertTrue(coordinator.onDigest(B, digest(Y)).answer().isPresent());
        assertEquals(Decision.NOTHING, coordinator.onDigest(B, digest(Y)), "b is counted already");
    }

    @Test
    void aFullReadIgnoresDigests() {
        GetCoordinator coordinator = new GetCoordinator(1, strict(), ALL_HEALTHY, NO_PRUNING);

        assertEquals(Decision.NOTHING, coordinator.onDigest(B, digest(Y)));
        assertEquals(Optional.of(outcomeOf(X)), coordinator.onReply(C, X).answer());
    }

    // ---- every order, every state ----

    private static final List<Siblings> STATES = List.of(Siblings.EMPTY, X, Y, Z, YZ, DELETED_Y);

    /** One thing the scripted network delivers: a state, or a digest. */
    private record Delivery(NodeId from, boolean whole) {}

    /**
     * For every assignment of states to a, b and c, every order of their first replies and every R:
     * fetched states arrive after everything already on its way. The answer must be the merge of at
     * least R replicas' states, a's included (never older than a full read of R), come once, and the
     * repairs must be those of a full read that heard everyone.
     */
    @Test
    void everyOrderAndStateAnswersAsAFullReadOfRReplicas() {
        int runs = 0;
        for (Siblings a : STATES) {
            for (Siblings b : STATES) {
                for (Siblings c : STATES) {
                    Map<NodeId, Siblings> states = new TreeMap<>(Map.of(A, a, B, b, C, c));
                    for (List<Delivery> order : Scripts.permutations(List.of(new Delivery(A, true), new Delivery(B, false),
                            new Delivery(C, false)))) {
                        for (int r = 1; r <= 3; r++) {
                            checkRun(states, order, r);
                            runs++;
                        }
                    }
                }
            }
        }
        assertEquals(STATES.size() * STATES.size() * STATES.size() * 6 * 3, runs);
    }

    private static void checkRun(Map<NodeId, Siblings> states, List<Delivery> order, int r) {
        String where = "states=" + states + " order=" + order + " r=" + r;
        GetCoordinator coordinator = digestRead(r);
        ArrayDeque<Delivery> network = new ArrayDeque<>(order);
        List<ReadOutcome> answers = new ArrayList<>();
        List<List<Repair>> finishes = new ArrayList<>();
        while (!network.isEmpty()) {
            Delivery delivery = network.poll();
            Siblings state = states.get(delivery.from());
            Decision decision = delivery.whole()
                    ? coordinator.onReply(delivery.from(), state)
                    : coordinator.onDigest(delivery.from(), digest(state));
            decision.fetch().forEach(node -> network.add(new Delivery(node, true)));
            decision.answer().ifPresent(answers::add);
            if (decision.finished()) {
                finishes.add(decision.repairs());
            }
        }
        assertEquals(1, answers.size(), where + ": answers " + answers);
        assertTrue(answersAsRReplicas(answers.get(0), states, r), where + ": answered " + answers.get(0));
        assertEquals(List.of(fullReadRepairs(states)), finishes, where);
    }

    /** True when {@code answer} is the outcome of the merge of some R or more replicas' states, a's among them. */
    private static boolean answersAsRReplicas(ReadOutcome answer, Map<NodeId, Siblings> states, int r) {
        List<NodeId> nodes = List.copyOf(states.keySet());
        for (int subset = 1; subset < 1 << nodes.size(); subset++) {
            if (Integer.bitCount(subset) < r || (subset & 1) == 0) {
                continue; // too few, or without a (bit 0)
            }
            Siblings joined = Siblings.EMPTY;
            for (int i = 0; i < nodes.size(); i++) {
                if ((subset & (1 << i)) != 0) {
                    joined = joined.merge(states.get(nodes.get(i)), NO_PRUNING);
                }
            }
            if (outcomeOf(joined).equals(answer)) {
                return true;
            }
        }
        return false;
    }

    private static List<Repair> fullReadRepairs(Map<NodeId, Siblings> states) {
        return ReadRepairPlanner.plan(states, ReadRepairPlanner.merge(states, NO_PRUNING));
    }
}
