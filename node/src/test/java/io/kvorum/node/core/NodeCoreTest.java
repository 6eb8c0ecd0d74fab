package io.kvorum.node.core;

import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.ScriptedCluster.Envelope;
import io.kvorum.node.core.ScriptedCluster.Reachability;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.ContextCodec;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NodeCore} in scripted multi-node scenarios on a {@link ScriptedCluster}: three nodes and
 * N=3 unless a test says otherwise. Every test ends by firing all timers and checking that no
 * operation, message or timer is left behind.
 */
class NodeCoreTest {
    private ScriptedCluster cluster = new ScriptedCluster(3, 3);
    private final Key key = Key.of("cart:7");
    private final List<NodeId> replicas = cluster.preferenceList(key);
    private final NodeId first = replicas.get(0);
    private final NodeId second = replicas.get(1);
    private final NodeId third = replicas.get(2);

    @AfterEach
    void leavesNothingBehind() {
        cluster.assertLeavesNothingBehind();
    }

    // ---- helpers ----

    private WriteOutcome.Written put(NodeId at, Key k, String value, Optional<CausalContext> context) {
        long id = cluster.write(at, k, value, context, 2);
        cluster.settle();
        return assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
    }

    private ReadOutcome get(NodeId at, Key k, int r) {
        long id = cluster.read(at, k, r);
        cluster.settle();
        return cluster.readReply(id);
    }

    private static List<String> values(ReadOutcome outcome) {
        return switch (outcome) {
            case ReadOutcome.Found found -> found.values().stream().map(s -> s.value().utf8String()).toList();
            case ReadOutcome.NotFound notFound -> List.of();
            case ReadOutcome.Unavailable unavailable -> throw new AssertionError("unavailable: " + unavailable);
        };
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }

    /** The read's context as a client carries it: encoded to the opaque string and decoded again. */
    private static CausalContext contextOf(ReadOutcome outcome) {
        CausalContext context = switch (outcome) {
            case ReadOutcome.Found found -> found.context();
            case ReadOutcome.NotFound notFound -> notFound.context();
            case ReadOutcome.Unavailable unavailable -> throw new AssertionError("unavailable: " + unavailable);
        };
        CausalContext decoded = ContextCodec.decode(ContextCodec.encode(context));
        assertEquals(context, decoded, "context round-trips through the client string");
        return decoded;
    }

    private static Predicate<Envelope> carrying(Class<? extends PeerMessage> type) {
        return envelope -> type.isInstance(envelope.message());
    }

    private static Predicate<Envelope> to(NodeId node) {
        return envelope -> envelope.to().equals(node);
    }

    // ---- writes and reads ----

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void writeThenReadThroughEveryCoordinatorReturnsTheValueAndAContextCoveringIt(int nodeCount) {
        cluster = new ScriptedCluster(nodeCount, 3);
        for (NodeId writer : cluster.nodes()) {
            Key k = Key.of("via-" + writer);
            WriteOutcome.Written written = put(writer, k, "v-" + writer, Optional.empty());
            for (NodeId reader : cluster.nodes()) {
                ReadOutcome read = get(reader, k, 2);
                assertEquals(List.of("v-" + writer), values(read), "written at " + writer + ", read at " + reader);
                assertTrue(contextOf(read).covers(written.versionContext()));
            }
        }
    }

    @Test
    void writeWithTheContextOfAReadReplacesTheValueWhicheverCoordinators() {
        for (NodeId writer : cluster.nodes()) {
            put(writer, key, "old-" + writer, Optional.empty());
            for (NodeId rewriter : cluster.nodes()) {
                CausalContext context = contextOf(get(writer, key, 2));
                put(rewriter, key, "new-" + rewriter, Optional.of(context));
                assertEquals(List.of("new-" + rewriter), values(get(third, key, 3)));
            }
        }
    }

    @Test
    void twoWritesWithTheSameStaleContextThroughOneCoordinatorBothSurvive() {
        put(first, key, "v0", Optional.empty());
        CausalContext stale = contextOf(get(first, key, 2));

        put(second, key, "v1", Optional.of(stale));
        put(second, key, "v2", Optional.of(stale));

        assertEquals(List.of("v1", "v2"), values(get(third, key, 3)));
    }

    @Test
    void twoWritesWithTheSameStaleContextThroughTwoCoordinatorsBothSurvive() {
        put(first, key, "v0", Optional.empty());
        CausalContext stale = contextOf(get(first, key, 2));

        put(second, key, "v1", Optional.of(stale));
        put(third, key, "v2", Optional.of(stale));

        assertEquals(List.of("v1", "v2"), sorted(values(get(first, key, 3))));
    }

    @Test
    void writeWithAContextCoveringBothSiblingsResolvesThemToOne() {
        put(second, key, "v1", Optional.empty());
        put(third, key, "v2", Optional.empty());
        ReadOutcome siblings = get(first, key, 2);
        assertEquals(List.of("v1", "v2"), sorted(values(siblings)));

        put(first, key, "merged", Optional.of(contextOf(siblings)));

        for (NodeId node : replicas) {
            assertEquals(List.of("merged"), values(get(node, key, 3)));
            assertEquals(1, cluster.state(node, key).siblings().size(), node + " still holds superseded siblings");
        }
    }

    // ---- deletes ----

    @Test
    void deleteWithContextReadsAsNotFoundWithAContext() {
        put(first, key, "v", Optional.empty());
        ReadOutcome read = get(second, key, 2);

        long delete = cluster.delete(third, key, Optional.of(contextOf(read)), 2);
        cluster.settle();

        WriteOutcome.Written deleted = assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(delete));
        ReadOutcome.NotFound notFound = assertInstanceOf(ReadOutcome.NotFound.class, get(first, key, 3));
        assertTrue(notFound.context().covers(deleted.versionContext()), "the tombstone's dot is in the context");
    }

    @Test
    void writeAfterDeleteWithTheNotFoundContextLeavesOneValue() {
        put(first, key, "v", Optional.empty());
        long delete = cluster.delete(second, key, Optional.of(contextOf(get(second, key, 2))), 2);
        cluster.settle();
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(delete));

        put(third, key, "reborn", Optional.of(contextOf(get(third, key, 2))));

        assertEquals(List.of("reborn"), values(get(first, key, 3)));
        replicas.forEach(node -> assertEquals(1, cluster.state(node, key).siblings().size(), node + " kept the tombstone"));
    }

    @Test
    void deleteWithoutContextReadsBeforeItWrites() {
        put(first, key, "v", Optional.empty());
        int issuedBefore = cluster.issued().size();

        cluster.delete(first, key, Optional.empty(), 2);

        assertEquals(1, cluster.inFlight(carrying(ReplicaGetRequest.class)).size(), "R = 2: its own replica and one other");
        assertEquals(1, cluster.inFlight().size(), "only the read phase's request");
        assertEquals(issuedBefore, cluster.issued().size(), "nothing written before the read answers");
    }

    @Test
    void deleteWithoutContextSupersedesASiblingOnlyAReplicaThatAnsweredHolds() {
        put(first, key, "old", Optional.empty());
        writeOnlyOn(third, "only-on-third");

        long delete = cluster.delete(first, key, Optional.empty(), 3);
        cluster.settle();

        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(delete));
        assertInstanceOf(ReadOutcome.NotFound.class, get(second, key, 3));
        replicas.forEach(node -> assertFalse(cluster.state(node, key).hasLiveValue(), node + " kept a live value"));
    }

    @Test
    void deleteWithoutContextKeepsASiblingOnlyAReplicaThatDidNotAnswerHolds() {
        put(first, key, "old", Optional.empty());
        writeOnlyOn(third, "only-on-third");

        long delete = cluster.delete(first, key, Optional.empty(), 2);
        cluster.dropWhere(to(third).and(carrying(ReplicaGetRequest.class)));
        cluster.settle();

        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(delete));
        assertEquals(List.of("only-on-third"), values(get(second, key, 3)), "a delete supersedes only what it read");
    }

    /** A blind write coordinated by {@code node} with w=1 whose replication is lost: only {@code node} holds it. */
    private void writeOnlyOn(NodeId node, String value) {
        long id = cluster.write(node, key, value, Optional.empty(), 1);
        cluster.dropWhere(carrying(ReplicaPutRequest.class));
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
    }

    // ---- unreachable, silent and failing replicas ----

    @Test
    void withOneReplicaRefusingQuorumsOfTwoSucceed() {
        cluster.reachability(third, Reachability.REFUSING);

        put(first, key, "v", Optional.empty());

        assertEquals(List.of("v"), values(get(first, key, 2)));
        assertEquals(Siblings.EMPTY, cluster.state(third, key));
    }

    @Test
    void withOneReplicaRefusingWriteQuorumOfThreeAnswersUnavailableInTheSameStep() {
        cluster.reachability(third, Reachability.REFUSING);

        long id = cluster.write(first, key, "v", Optional.empty(), 3);

        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 1, refused(third, UNREACHABLE))), cluster.writeOutcome(id),
                "before any delivery or timer, saying it gave up early because the third replica refused");
        assertEquals(0, cluster.nowMillis());
    }

    @Test
    void withOneReplicaRefusingReadQuorumOfThreeAnswersUnavailableInTheSameStep() {
        put(first, key, "v", Optional.empty());
        cluster.reachability(third, Reachability.REFUSING);

        long id = cluster.read(first, key, 3);

        assertEquals(Optional.of(new ReadOutcome.Unavailable(3, 0, refused(third, UNREACHABLE))), cluster.readOutcome(id),
                "before any delivery or timer");
    }

    @Test
    void silentReplicaFailsWriteQuorumOfThreeWhenTheDeadlinePassesNotBefore() {
        cluster.reachability(third, Reachability.SILENT);
        long id = cluster.write(first, key, "v", Optional.empty(), 3);
        cluster.settle();

        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS - 1);
        assertEquals(Optional.empty(), cluster.writeOutcome(id));

        cluster.advanceMillis(1);
        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 2, TIMED_OUT)), cluster.writeOutcome(id));
    }

    @Test
    void silentReplicaFailsReadQuorumOfThreeWhenTheDeadlinePasses() {
        cluster.reachability(third, Reachability.SILENT);
        long id = cluster.read(first, key, 3);
        cluster.settle();
        assertEquals(Optional.empty(), cluster.readOutcome(id));

        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS);

        assertEquals(Optional.of(new ReadOutcome.Unavailable(3, 2, TIMED_OUT)), cluster.readOutcome(id));
    }

    @Test
    void failedLocalWriteAnswersUnavailableAndReplicatesNothing() {
        cluster.failStorage(first, true);

        long id = cluster.write(first, key, "v", Optional.empty(), 1);

        assertEquals(Optional.of(new WriteOutcome.Unavailable(1, 0, refused(first, "injected I/O error on " + first))),
                cluster.writeOutcome(id));
        assertEquals(List.of(), cluster.inFlight());
    }

    @Test
    void replicaWhoseDiskFailsCountsAsAFailedReply() {
        cluster.failStorage(third, true);

        long id = cluster.write(first, key, "v", Optional.empty(), 3);
        cluster.deliverWhere(to(third));
        cluster.deliverWhere(carrying(ReplicaFailure.class));

        assertEquals(0, cluster.nowMillis());
        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 1, refused(third, "injected I/O error on " + third))),
                cluster.writeOutcome(id), "the replica's failure and its reason reach the answer");
    }

    @Test
    void aFullDiskOnTheCoordinatorIsNamedInTheAnswerAsAFullDisk() {
        String reason = "write of key " + key.text() + ": java.io.IOException: No space left on device";
        cluster.failStorage(first, reason);

        long id = cluster.write(first, key, "v", Optional.empty(), 2);

        WriteOutcome.Unavailable outcome = assertInstanceOf(WriteOutcome.Unavailable.class, cluster.writeOutcome(id).orElseThrow());
        assertEquals(refused(first, reason), outcome.shortfall());
        assertTrue(outcome.shortfall().refusals().get(0).diskFull(), "the reason is the OS's ENOSPC text");
        assertEquals(List.of(), cluster.inFlight(), "no version was issued, so nothing was sent");
    }

    @Test
    void aReplicaWhoseDiskIsFullIsNamedWithItsOwnReason() {
        String reason = "merge of key " + key.text() + ": No space left on device";
        cluster.failStorage(second, reason);
        cluster.failStorage(third, reason);

        long id = cluster.write(first, key, "v", Optional.empty(), 2);
        cluster.settle();

        WriteOutcome.Unavailable outcome = assertInstanceOf(WriteOutcome.Unavailable.class, cluster.writeOutcome(id).orElseThrow());
        assertEquals(2, outcome.shortfall().refusals().size(), outcome::toString);
        assertTrue(outcome.shortfall().refusals().stream().allMatch(Shortfall.Refusal::diskFull), outcome::toString);
        assertFalse(outcome.shortfall().timedOut());
    }

    // ---- read repair ----

    @Test
    void readRepairsAReplicaThatMissedAWrite() {
        cluster = ScriptedCluster.readingFromAll(3, 3);
        long write = cluster.write(first, key, "v", Optional.empty(), 2);
        cluster.dropWhere(to(third));
        cluster.settle();
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(write));

        long read = cluster.read(second, key, 2);
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        cluster.deliverWhere(carrying(ReplicaGetResponse.class).or(carrying(ReplicaDigestResponse.class)));
        // third's digest differs from second's state: third is asked for its whole state.
        assertEquals(List.of(third), cluster.inFlight(carrying(ReplicaGetRequest.class)).stream().map(Envelope::to).toList());
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        cluster.deliverWhere(carrying(ReplicaGetResponse.class));

        assertEquals(List.of("v"), values(cluster.readReply(read)));
        assertEquals(List.of(third), cluster.inFlight(carrying(ReadRepair.class)).stream().map(Envelope::to).toList());
        cluster.settle();
        assertEquals(cluster.state(first, key), cluster.state(third, key));
    }

    @Test
    void readRepairsAReplicaWhoseReplyArrivesAfterTheAnswerBeforeTheDeadline() {
        cluster = ScriptedCluster.readingFromAll(3, 3);
        long write = cluster.write(first, key, "v", Optional.empty(), 2);
        cluster.dropWhere(to(third));
        cluster.settle();
        long read = cluster.read(second, key, 2);
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        cluster.deliverWhere(carrying(ReplicaGetResponse.class).or(carrying(ReplicaDigestResponse.class)).and(to(second))
                .and(e -> !e.from().equals(third)));
        assertEquals(List.of("v"), values(cluster.readReply(read)));
        assertEquals(List.of(), cluster.inFlight(carrying(ReadRepair.class)), "no repair before every replica answered");

        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS - 1);
        cluster.settle();

        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(write));
        assertEquals(cluster.state(first, key), cluster.state(third, key));
        assertFalse(cluster.state(third, key).isEmpty());
    }

    @Test
    void replyAfterTheDeadlineIsIgnored() {
        cluster = ScriptedCluster.readingFromAll(3, 3);
        cluster.write(first, key, "v", Optional.empty(), 2);
        cluster.dropWhere(to(third));
        cluster.settle();
        cluster.read(second, key, 2);
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        Envelope late = cluster.inFlight(e -> e.from().equals(third)).get(0);
        cluster.deliverWhere(e -> !e.equals(late));

        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS);
        cluster.deliver(late);

        assertEquals(List.of(), cluster.inFlight(), "the finished read sends no repair");
        assertEquals(Siblings.EMPTY, cluster.state(third, key), "repair is left to later reads");
    }

    // ---- forwarding ----

    @Test
    void writeAtANodeOutsideThePreferenceListIsForwardedToTheFirstReplica() {
        Key k = forwardingCluster();
        NodeId outsider = outsider(k);

        long id = cluster.write(outsider, k, "v", Optional.empty(), 2);

        assertEquals(List.of(cluster.preferenceList(k).get(0)), cluster.inFlight().stream().map(Envelope::to).toList());
        assertInstanceOf(ForwardWriteRequest.class, cluster.inFlight().get(0).message());
        cluster.settle();
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
        assertEquals(List.of("v"), values(get(outsider, k, 3)));
        assertEquals(Siblings.EMPTY, cluster.state(outsider, k));
    }

    @Test
    void forwardGoesToTheNextReplicaWhenTheFirstRefuses() {
        Key k = forwardingCluster();
        List<NodeId> preference = cluster.preferenceList(k);
        cluster.reachability(preference.get(0), Reachability.REFUSING);

        long id = cluster.write(outsider(k), k, "v", Optional.empty(), 2);

        assertEquals(List.of(preference.get(1)), cluster.inFlight(carrying(ForwardWriteRequest.class)).stream().map(Envelope::to).toList());
        cluster.settle();
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
        assertEquals(preference.get(1), cluster.issued().get(0).node(), "the second replica coordinated");
    }

    @Test
    void duplicatedForwardWriteRequestCreatesNoSecondSibling() {
        Key k = forwardingCluster();
        long id = cluster.write(outsider(k), k, "v", Optional.empty(), 2);
        cluster.duplicate(cluster.inFlight().get(0));

        cluster.settle();

        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
        assertEquals(1, cluster.issued().size());
        assertEquals(List.of("v"), values(get(outsider(k), k, 3)));
    }

    @Test
    void forwardToASilentReplicaAnswersUnavailableAtTheDeadline() {
        Key k = forwardingCluster();
        cluster.reachability(cluster.preferenceList(k).get(0), Reachability.SILENT);
        long id = cluster.write(outsider(k), k, "v", Optional.empty(), 2);

        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS);

        assertEquals(Optional.of(new WriteOutcome.Unavailable(2, 0, new Shortfall(true, List.of(), Shortfall.Stored.UNKNOWN))),
                cluster.writeOutcome(id));
    }

    /** Switches to five nodes with N=3 and returns a key with an outsider. */
    private Key forwardingCluster() {
        cluster = new ScriptedCluster(5, 3);
        return cluster.key("forwarded", preference -> true);
    }

    private NodeId outsider(Key k) {
        return cluster.nodes().stream().filter(node -> !cluster.preferenceList(k).contains(node)).findFirst().orElseThrow();
    }

    // ---- quorums the ring cannot meet, and self-delivery ----

    @Test
    void quorumLargerThanTheRingAnswersUnavailableAtOnce() {
        cluster = new ScriptedCluster(2, 3);
        Key k = cluster.key("small", preference -> true);

        long read = cluster.read(cluster.node(0), k, 3);
        long write = cluster.write(cluster.node(1), k, "v", Optional.empty(), 3);

        assertEquals(Optional.of(new ReadOutcome.Unavailable(3, 0, NOBODY_FAILED)), cluster.readOutcome(read));
        assertEquals(Optional.of(new WriteOutcome.Unavailable(3, 0, new Shortfall(false, List.of(), Shortfall.Stored.NOTHING))),
                cluster.writeOutcome(write));
        assertEquals(List.of(), cluster.issued(), "nothing written");
    }

    @Test
    void coordinatorReachesItselfWithoutTheNetwork() {
        put(first, key, "v", Optional.empty());

        long read = cluster.read(first, key, 1);

        assertEquals(List.of("v"), values(cluster.readReply(read)), "answered by its own replica, nothing delivered");
        assertEquals(List.of(), cluster.inFlight(), "R = 1: only itself is asked, and never through the network");

        cluster = ScriptedCluster.readingFromAll(3, 3);
        put(first, key, "v", Optional.empty());
        read = cluster.read(first, key, 1);
        assertEquals(List.of("v"), values(cluster.readReply(read)));
        assertEquals(List.of(second, third), cluster.inFlight().stream().map(Envelope::to).toList(), "never to itself");
    }

    private static final String UNREACHABLE = "unreachable (the connection to it failed)";
    private static final Shortfall TIMED_OUT = new Shortfall(true, List.of());
    private static final Shortfall NOBODY_FAILED = new Shortfall(false, List.of());

    /** Gave up before the deadline because {@code node} failed, for {@code reason}. */
    static Shortfall refused(NodeId node, String reason) {
        return new Shortfall(false, List.of(new Shortfall.Refusal(node, reason)));
    }
}
