package io.kvorum.node.antientropy;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.runtime.LocalStorage;
import io.kvorum.node.runtime.StorageExecution;
import io.kvorum.node.protocol.RangeSync;
import io.kvorum.node.protocol.RecordingMetrics;
import io.kvorum.node.protocol.RecordingMetrics.Compared;
import io.kvorum.node.protocol.RecordingOutbox;
import io.kvorum.node.protocol.RecordingOutbox.Sent;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyHashesRequest;
import io.kvorum.node.message.PeerMessage.KeyHashesResponse;
import io.kvorum.node.message.PeerMessage.KeyStatesRequest;
import io.kvorum.node.message.PeerMessage.KeyStatesResponse;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.RecentWrites;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.ring.Ring;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link AntiEntropy}, both sides, driven through {@link RecordingOutbox}es over real memory engines:
 * when exchanges start and with whom, what identical and differing trees lead to, how a responder
 * serves and what it refuses, and how a stuck exchange is abandoned. Keys are named {@code t<token>}
 * so each test places them in the token space it needs; trees are real {@link MerkleTree}s.
 */
class AntiEntropyTest {
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");
    private static final NodeId C = NodeId.of("c");
    private static final NodeId D = NodeId.of("d");
    private static final Predicate<NodeId> ALL_ALIVE = node -> true;
    private static final ToLongFunction<Key> TOKENIZER = key -> Long.parseLong(key.text().substring(1));
    /** An exchange every second, 1 MiB each way, abandoned after five seconds. */
    private static final AntiEntropySettings SETTINGS = new AntiEntropySettings(true, 1_000, 1 << 20, 5_000);
    /** Three nodes and N=3: every pair shares the whole ring. */
    private static final Ring THREE = Ring.fromTokens(Map.of(A, List.of(-100L), B, List.of(0L), C, List.of(100L)), 1);
    /**
     * a..d own 10, 20, 30, 40; with N=2, a shares (40,10] with b and (30,40] with d, nothing with c.
     */
    private static final Ring FOUR = Ring.fromTokens(Map.of(A, List.of(10L), B, List.of(20L), C, List.of(30L), D, List.of(40L)), 1);

    /** One node's side: its engine, outbox, metrics and machine. */
    private static final class Side {
        final MemoryEngine engine = new MemoryEngine(TOKENIZER);
        final RecordingOutbox outbox = new RecordingOutbox(new LocalStorage(engine, new MemoryHintStore(10), TOKENIZER));
        final RecordingMetrics metrics = new RecordingMetrics();
        final AntiEntropy machine;

        Side(NodeId self, int n, AntiEntropySettings settings) {
            machine = new AntiEntropy(self, n, NO_PRUNING, settings, outbox, metrics);
        }

        Side(NodeId self, int n, AntiEntropySettings settings, java.util.function.LongSupplier ring) {
            machine = new AntiEntropy(self, n, NO_PRUNING, settings, outbox, metrics, ring);
        }

        void put(long token, String value) {
            Key key = key(token);
            engine.update(key, current -> current.merge(state(value), NO_PRUNING));
        }

        /** As {@link #put}, the version stamped at {@code wallMillis}. */
        void putAt(long token, String value, long wallMillis) {
            Siblings written = Siblings.EMPTY.write(issuer(actor("w-" + value)), CausalContext.EMPTY, Optional.of(bytes(value)),
                    wallMillis, NO_PRUNING).state();
            engine.update(key(token), current -> current.merge(written, NO_PRUNING));
        }

        Map<Key, Siblings> contents() {
            Map<Key, Siblings> contents = new TreeMap<>();
            engine.scan(TokenRange.FULL_RING, contents::put);
            return contents;
        }

        /** Starts the exchange due at {@code atMillis} and returns its tree request to {@code peer}. */
        TreeRequest startExchange(Ring ring, long atMillis, NodeId peer) {
            outbox.advanceTo(atMillis);
            machine.onTick(ring, ALL_ALIVE);
            Sent sent = onlySent(outbox);
            assertEquals(peer, sent.to());
            return (TreeRequest) sent.message();
        }
    }

    private static Key key(long token) {
        return Key.of("t" + token);
    }

    /** A value written by actor "w-<value>", so different values are concurrent siblings. */
    private static Siblings state(String value) {
        return Siblings.EMPTY.write(issuer(actor("w-" + value)), CausalContext.EMPTY, Optional.of(bytes(value)), 1_000, NO_PRUNING).state();
    }

    private static Sent onlySent(RecordingOutbox outbox) {
        List<Sent> sent = outbox.takeSent();
        assertEquals(1, sent.size(), "exactly one message: " + sent);
        return sent.get(0);
    }

    private static List<MerkleTree> treesOf(Side side, List<TokenRange> ranges, int depth) {
        return ((StorageResult.Trees) StorageExecution.execute(new LocalStorage(side.engine, new MemoryHintStore(1), TOKENIZER),
                new StorageOp.BuildTrees(ranges, depth))).trees();
    }

    /** {@code side}'s hashes of its keys in {@code leaves}, in ascending key order (as an initiator offers them). */
    private static List<KeyHash> hashesIn(Side side, List<TokenRange> leaves) {
        StorageResult.Digested digested = (StorageResult.Digested) StorageExecution.execute(
                new LocalStorage(side.engine, new MemoryHintStore(1), TOKENIZER), new StorageOp.Digests(leaves, RecentWrites.NONE));
        return KeyHashes.flatten(digested.perRange());
    }

    // ---- when and with whom ----

    @Test
    void noExchangeStartsBeforeTheInterval() {
        Side a = new Side(A, 3, SETTINGS);

        a.machine.onTick(THREE, ALL_ALIVE);
        assertEquals(-1, a.metrics.lastSyncAge(), "no pair has been compared yet");
        a.outbox.advanceTo(999);
        a.machine.onTick(THREE, ALL_ALIVE);
        assertEquals(List.of(), a.outbox.takeSent());
        assertFalse(a.outbox.hasStorage());

        TreeRequest request = a.startExchange(THREE, 1_000, B);
        assertEquals(List.of(TokenRange.FULL_RING), request.ranges(), "three nodes with N=3 compare one tree of the whole ring");
        assertEquals(AntiEntropy.depthFor(1), request.depth());
        assertEquals(new StorageOp.BuildTrees(List.of(TokenRange.FULL_RING), request.depth()), a.outbox.nextStorage(),
                "its own trees of the same ranges at the same depth");
        assertEquals(6_000, a.outbox.timerAt(request.requestId()));
    }

    @Test
    void aDisabledMachineNeverStartsAnExchange() {
        Side a = new Side(A, 3, new AntiEntropySettings(false, 1_000, 1 << 20, 5_000));

        for (long now = 0; now <= 10_000; now += 500) {
            a.outbox.advanceTo(now);
            a.machine.onTick(THREE, ALL_ALIVE);
        }

        assertEquals(List.of(), a.outbox.takeSent());
        assertFalse(a.outbox.hasStorage());
    }

    @Test
    void exchangesGoRoundRobinOverLivePeersThatShareRanges() {
        Side a = new Side(A, 2, SETTINGS);
        a.machine.onTick(FOUR, ALL_ALIVE);
        List<NodeId> peers = new ArrayList<>();
        List<List<TokenRange>> ranges = new ArrayList<>();
        for (long now = 1_000; now <= 4_000; now += 1_000) {
            a.outbox.advanceTo(now);
            a.machine.onTick(FOUR, ALL_ALIVE);
            Sent sent = onlySent(a.outbox);
            peers.add(sent.to());
            TreeRequest request = (TreeRequest) sent.message();
            ranges.add(request.ranges());
            assertTrue(a.machine.onMessage(sent.to(), new ReplicaFailure(request.requestId(), "busy")), "ends the exchange");
        }
        assertEquals(List.of(B, D, B, D), peers, "c shares no range with a");
        assertEquals(List.of(new TokenRange(40, 10)), ranges.get(0));
        assertEquals(List.of(new TokenRange(30, 40)), ranges.get(1));

        a.outbox.advanceTo(5_000);
        a.machine.onTick(FOUR, node -> !node.equals(B));
        assertEquals(D, onlySent(a.outbox).to(), "b is down, so d again");
    }

    @Test
    void oneExchangeAtATime() {
        Side a = new Side(A, 3, SETTINGS);
        a.machine.onTick(THREE, ALL_ALIVE);
        a.startExchange(THREE, 1_000, B);

        for (long now = 2_000; now < 6_000; now += 1_000) {
            a.outbox.advanceTo(now);
            a.machine.onTick(THREE, ALL_ALIVE);
        }

        assertEquals(List.of(), a.outbox.takeSent(), "the first exchange is still running");
    }

    // ---- the initiator ----

    @Test
    void identicalTreesExchangeNoKeysAndReportTheRangesInSync() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        for (long token : new long[] {-5, 7, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}) {
            a.put(token, "v" + token);
            b.put(token, "v" + token);
        }
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);

        assertTrue(a.machine.onMessage(B, new TreeResponse(request.requestId(), treesOf(b, request.ranges(), request.depth()))));
        assertEquals(List.of(), a.metrics.compared(), "nothing compared before the own trees are built");
        assertEquals(List.of(new StorageOp.BuildTrees(request.ranges(), request.depth())), a.outbox.runStorage(), "no scan");

        assertEquals(List.of(), a.outbox.takeSent(), "no keys request");
        assertEquals(List.of(new Compared(1, 1)), a.metrics.compared());
        assertEquals(List.of(request.requestId()), a.outbox.cancelled(), "the exchange's timeout is cancelled");
        assertEquals(0, a.metrics.lastSyncAge());
        assertEquals(List.of(new RangeSync(B, request.ranges().get(0), 1_000, true)), a.metrics.lastSyncs(),
                "the pair is published with the time it was found in sync");
        a.outbox.advanceTo(1_500);
        a.machine.onTick(THREE, ALL_ALIVE);
        assertEquals(500, a.metrics.lastSyncAge());
    }

    @Test
    void keysWrittenInTheLastSecondsAreLeftOutOfBothSidesTreesAndOfTheStatesShipped() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        a.outbox.knowWallClock();
        b.outbox.knowWallClock();
        long old = 1L << 50;
        long inFlight = -1L << 60;
        long lost = 1L << 61;
        a.put(old, "same");
        b.put(old, "same");
        long exchangeWall = RecordingOutbox.WALL_EPOCH_MILLIS + 1_000;
        a.putAt(inFlight, "on-its-way", exchangeWall - 100); // written 100 ms ago: b has not got it yet
        b.putAt(lost, "long-lost", exchangeWall - AntiEntropy.RECENT_WRITES_MILLIS - 1); // a truly lacks this one
        a.machine.onTick(THREE, ALL_ALIVE);

        TreeRequest request = a.startExchange(THREE, 1_000, B);
        assertEquals(RecentWrites.around(exchangeWall, AntiEntropy.RECENT_WRITES_MILLIS), request.recent());
        assertEquals(new StorageOp.BuildTrees(request.ranges(), request.depth(), request.recent()), a.outbox.runNextStorage());
        assertTrue(b.machine.onMessage(A, request));
        assertEquals(new StorageOp.BuildTrees(request.ranges(), request.depth(), request.recent()), b.outbox.runNextStorage(),
                "the peer leaves out the same keys");
        TreeResponse trees = (TreeResponse) onlySent(b.outbox).message();
        a.machine.onMessage(B, trees);

        StorageOp digests = a.outbox.runNextStorage();
        List<TokenRange> differing = digests instanceof StorageOp.Digests d ? d.ranges() : List.of();
        assertEquals(1, differing.size(), "only the leaf of the long-lost key differs, not the one in flight: " + differing);
        assertTrue(differing.get(0).contains(lost));
        assertEquals(request.recent(), ((StorageOp.Digests) digests).recent(), "the own hashes leave out the same keys");
        KeyHashesRequest hashes = (KeyHashesRequest) onlySent(a.outbox).message();
        assertEquals(request.recent(), hashes.recent());
        assertEquals(List.of(), hashes.hashes(), "a holds nothing of that leaf but what is in flight");

        assertTrue(b.machine.onMessage(A, hashes));
        assertEquals(new StorageOp.Digests(differing, request.recent()), b.outbox.runNextStorage(), "the peer leaves them out too");
        b.outbox.runStorage();
        KeyHashesResponse answer = (KeyHashesResponse) onlySent(b.outbox).message();
        assertEquals(List.of(new KeyState(key(lost), b.engine.get(key(lost)))), answer.entries(), "only the long-lost key ships");
        assertEquals(List.of(), answer.wanted());
    }

    @Test
    void differingTreesListTheHashesOfExactlyTheDifferingLeavesAndMergeThePeersAnswer() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        long shared = 1L << 50;
        a.put(shared, "same");
        b.put(shared, "same");
        a.put(-1L << 60, "only-a");
        b.put(1L << 61, "only-b");
        a.put(3L << 59, "a-side");
        b.put(3L << 59, "b-side");
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);
        a.outbox.runStorage(); // the own trees first this time
        List<MerkleTree> remote = treesOf(b, request.ranges(), request.depth());
        List<TokenRange> differing = treesOf(a, request.ranges(), request.depth()).get(0).difference(remote.get(0));
        assertEquals(3, differing.size(), "three keys in three leaves differ: " + differing);

        a.machine.onMessage(B, new TreeResponse(request.requestId(), remote));

        assertEquals(List.of(new Compared(1, 0)), a.metrics.compared());
        assertEquals(new StorageOp.Digests(differing, RecentWrites.NONE), a.outbox.runNextStorage());
        Sent sent = onlySent(a.outbox);
        assertEquals(B, sent.to());
        assertEquals(new KeyHashesRequest(request.requestId(), differing, hashesIn(a, differing), SETTINGS.maxBytesPerExchange(),
                RecentWrites.NONE, 0), sent.message());
        assertEquals(2, ((KeyHashesRequest) sent.message()).hashes().size(), "a's hashes of only-a and a-side, not of the shared key");

        List<KeyState> answer = List.of(new KeyState(key(1L << 61), state("only-b")), new KeyState(key(3L << 59), state("b-side")));
        assertTrue(a.machine.onMessage(B, new KeyHashesResponse(request.requestId(), answer, List.of(key(-1L << 60), key(3L << 59)))));
        assertEquals(new StorageOp.MergeAll(answer, NO_PRUNING), a.outbox.runNextStorage());
        assertEquals(List.of(2), a.metrics.keysRepaired(), "only-b is new and a-side gained b-side");
        assertEquals(state("a-side").merge(state("b-side"), NO_PRUNING), a.engine.get(key(3L << 59)));
        assertEquals(state("only-b"), a.engine.get(key(1L << 61)));
        long offered = KeyHashes.LEAF_BYTES * 3 + ((KeyHashesRequest) sent.message()).hashes().stream().mapToLong(KeyHashes::bytesOf).sum();
        assertEquals(new StorageOp.ReadStates(List.of(key(-1L << 60), key(3L << 59)), SETTINGS.maxBytesPerExchange() - offered),
                a.outbox.runNextStorage(), "the wanted states, within what the offer left of the byte bound");
        assertEquals(new KeyStatesRequest(request.requestId(), List.of(new KeyState(key(-1L << 60), state("only-a")),
                new KeyState(key(3L << 59), a.engine.get(key(3L << 59))))), onlySent(a.outbox).message());
        assertEquals(List.of(), a.outbox.cancelled(), "not finished before the peer acknowledges");

        assertTrue(a.machine.onMessage(B, new KeyStatesResponse(request.requestId())));
        assertEquals(List.of(request.requestId()), a.outbox.cancelled(), "finished");
    }

    @Test
    void oneExchangeBetweenTwoMachinesMakesBothSidesEqual() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        for (int i = 0; i < 40; i++) {
            long token = (long) i * (Long.MAX_VALUE / 20) + Long.MIN_VALUE / 2;
            if (i % 3 != 1) {
                a.put(token, "a" + i);
            }
            if (i % 3 != 2) {
                b.put(token, i % 5 == 0 ? "b" + i : "a" + i);
            }
        }
        assertNotEquals(a.contents(), b.contents());
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);

        relay(a, b, request);

        assertEquals(a.contents(), b.contents(), "one round trip repairs both sides");
        assertFalse(a.metrics.keysRepaired().isEmpty());
        assertFalse(b.metrics.keysRepaired().isEmpty(), "the responder merged the initiator's states");
        TreeRequest next = a.startExchange(THREE, 2_000, C);
        assertEquals(List.of(TokenRange.FULL_RING), next.ranges());
    }

    /** Carries messages between the two machines, running each side's storage, until both are quiet; returns what went over. */
    private static List<PeerMessage> relay(Side a, Side b, PeerMessage first) {
        List<PeerMessage> carried = new ArrayList<>(List.of(first));
        b.machine.onMessage(A, first);
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Side side : List.of(a, b)) {
                Side other = side == a ? b : a;
                NodeId from = side == a ? A : B;
                if (side.outbox.hasStorage()) {
                    side.outbox.runNextStorage();
                    moved = true;
                }
                for (Sent sent : side.outbox.takeSent()) {
                    carried.add(sent.message());
                    assertTrue(other.machine.onMessage(from, sent.message()), sent.toString());
                    moved = true;
                }
            }
        }
        return carried;
    }

    /** The one message of {@code type} among {@code carried}. */
    private static <T extends PeerMessage> T only(List<PeerMessage> carried, Class<T> type) {
        List<T> found = carried.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), type.getSimpleName() + " in " + carried.stream().map(m -> m.getClass().getSimpleName()).toList());
        return found.get(0);
    }

    /** Fifty keys in one leaf (tokens 1..50 of the whole ring at 1,024 leaves), the same on both sides. */
    private static void fiftyEqualKeys(Side a, Side b) {
        for (long token = 1; token <= 50; token++) {
            a.put(token, "v" + token);
            b.put(token, "v" + token);
        }
    }

    @Test
    void aLeafThatDiffersInOneKeyShipsOnlyThatKeysStateEachWayAndKeepsBothVersions() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        fiftyEqualKeys(a, b);
        a.put(25, "a-25"); // concurrent writes: each side holds one the other lacks
        b.put(25, "b-25");
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);

        List<PeerMessage> carried = relay(a, b, request);

        KeyHashesRequest hashes = only(carried, KeyHashesRequest.class);
        assertEquals(1, hashes.leaves().size(), "one leaf differs");
        assertEquals(50, hashes.hashes().size(), "a lists every key of the leaf by its hash");
        KeyHashesResponse answer = only(carried, KeyHashesResponse.class);
        assertEquals(List.of(key(25)), answer.entries().stream().map(KeyState::key).toList(), "b ships only t25's state");
        assertEquals(List.of(key(25)), answer.wanted());
        KeyStatesRequest states = only(carried, KeyStatesRequest.class);
        assertEquals(List.of(key(25)), states.entries().stream().map(KeyState::key).toList(), "a ships only t25's state");
        only(carried, KeyStatesResponse.class);

        Siblings both = state("v25").merge(state("a-25"), NO_PRUNING).merge(state("b-25"), NO_PRUNING);
        assertEquals(both, a.engine.get(key(25)), "merged, not dropped");
        assertEquals(both, b.engine.get(key(25)));
        assertEquals(3, both.siblings().size(), "three concurrent versions, kept as siblings");
        assertEquals(a.contents(), b.contents());
        assertEquals(List.of(1), a.metrics.keysRepaired());
        assertEquals(List.of(1), b.metrics.keysRepaired());
        assertEquals(50, a.metrics.keyHashesSent(), "the metrics count what was sent: 50 hashes and one state from a");
        assertEquals(1, a.metrics.statesSent());
        assertEquals(0, b.metrics.keyHashesSent());
        assertEquals(1, b.metrics.statesSent(), "one state from b");
        assertEquals(List.of(request.requestId()), a.outbox.cancelled(), "the exchange finished on b's acknowledgement");
    }

    @Test
    void keysMissingOnEitherSideAreRepaired() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        fiftyEqualKeys(a, b);
        a.put(60, "only-a");
        b.put(70, "only-b");
        b.put(-1L << 62, "only-b-elsewhere"); // in a leaf where a holds nothing
        a.machine.onTick(THREE, ALL_ALIVE);

        List<PeerMessage> carried = relay(a, b, a.startExchange(THREE, 1_000, B));

        KeyHashesResponse answer = only(carried, KeyHashesResponse.class);
        assertEquals(List.of(key(-1L << 62), key(70)), answer.entries().stream().map(KeyState::key).sorted().toList());
        assertEquals(List.of(key(60)), answer.wanted());
        assertEquals(List.of(new KeyState(key(60), state("only-a"))), only(carried, KeyStatesRequest.class).entries());
        assertEquals(a.contents(), b.contents());
        assertEquals(53, a.contents().size());
    }

    @Test
    void whenOnlyThePeerHoldsMoreNoThirdMessageIsSent() {
        Side a = new Side(A, 3, SETTINGS);
        Side b = new Side(B, 3, SETTINGS);
        fiftyEqualKeys(a, b);
        b.put(70, "only-b");
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);

        List<PeerMessage> carried = relay(a, b, request);

        assertEquals(4, carried.size(), "tree request and response, key-hash request and response: "
                + carried.stream().map(message -> message.getClass().getSimpleName()).toList());
        assertTrue(carried.stream().noneMatch(KeyStatesRequest.class::isInstance));
        assertEquals(a.contents(), b.contents());
        assertEquals(List.of(request.requestId()), a.outbox.cancelled(), "finished");
    }

    @Test
    void eachDirectionKeepsToTheByteBound() {
        long maxBytes = 600;
        AntiEntropySettings small = new AntiEntropySettings(true, 1_000, maxBytes, 5_000);
        Side a = new Side(A, 3, small);
        Side b = new Side(B, 3, small);
        long leafWidth = 1L << 54; // the whole ring at 1,024 leaves
        for (int leaf = 0; leaf < 40; leaf++) {
            long token = leaf * leafWidth + 1;
            for (int i = 0; i < 3; i++) {
                a.put(token + i, "a" + leaf + "-" + i); // every key differs, in 40 leaves
                b.put(token + i, "b" + leaf + "-" + i);
            }
        }
        a.machine.onTick(THREE, ALL_ALIVE);

        List<PeerMessage> carried = relay(a, b, a.startExchange(THREE, 1_000, B));

        KeyHashesRequest hashes = only(carried, KeyHashesRequest.class);
        long offered = KeyHashes.LEAF_BYTES * hashes.leaves().size() + hashes.hashes().stream().mapToLong(KeyHashes::bytesOf).sum();
        assertTrue(offered <= maxBytes, offered + " bytes of leaves and hashes");
        assertTrue(hashes.leaves().size() > 1 && hashes.leaves().size() < 40, "some whole leaves: " + hashes.leaves().size());
        assertEquals(3 * hashes.leaves().size(), hashes.hashes().size(), "whole leaves only");
        KeyHashesResponse answer = only(carried, KeyHashesResponse.class);
        long answered = KeyHashes.bytesOf(answer.wanted()) + bytesOf(answer.entries());
        assertTrue(answered <= maxBytes || answer.entries().size() == 1, answered + " bytes answered");
        assertTrue(answer.entries().size() < hashes.hashes().size(), "the bound cut the peer's states short");
        List<KeyState> pushed = only(carried, KeyStatesRequest.class).entries();
        assertTrue(offered + bytesOf(pushed) <= maxBytes || pushed.size() == 1, (offered + bytesOf(pushed)) + " bytes from a");
        assertFalse(pushed.isEmpty());
        assertNotEquals(a.contents(), b.contents(), "what did not fit waits for the next exchange");
    }

    private static long bytesOf(List<KeyState> states) {
        return states.stream().mapToLong(state -> StorageOp.sizeOf(state.key(), state.state())).sum();
    }

    @Test
    void duplicateOrUnaskedAnswersMergeNothingTwiceAndShipOnlyOfferedKeys() {
        Side a = new Side(A, 3, SETTINGS);
        a.put(10, "a10");
        a.put(-1L << 62, "not-offered"); // in a leaf that does not differ
        Side b = new Side(B, 3, SETTINGS);
        b.put(-1L << 62, "not-offered");
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);
        a.outbox.runStorage();
        a.machine.onMessage(B, new TreeResponse(request.requestId(), treesOf(b, request.ranges(), request.depth())));
        a.machine.onMessage(B, new TreeResponse(request.requestId(), treesOf(b, request.ranges(), request.depth())));
        a.outbox.runStorage();
        assertEquals(1, a.outbox.takeSent().size(), "a duplicate tree response starts no second comparison");

        KeyHashesResponse answer = new KeyHashesResponse(request.requestId(), List.of(new KeyState(key(20), state("b20"))),
                List.of(key(10), key(-1L << 62)));
        a.machine.onMessage(B, answer);
        a.machine.onMessage(B, answer);
        List<StorageOp> ops = a.outbox.runStorage();

        assertEquals(1, ops.stream().filter(StorageOp.MergeAll.class::isInstance).count(), "merged once: " + ops);
        assertEquals(List.of(new KeyState(key(10), state("a10"))), ((KeyStatesRequest) onlySent(a.outbox).message()).entries(),
                "the key a did not offer is not sent");
    }

    // ---- the responder ----

    @Test
    void aTreeRequestIsAnsweredWithTreesOfTheAskedRangesAndDepth() {
        Side b = new Side(B, 3, SETTINGS);
        List<TokenRange> ranges = List.of(new TokenRange(-1_000, 1_000), new TokenRange(5_000, 9_000));
        for (long token : new long[] {-999, 0, 1_000, 1_001, 5_000, 5_001, 9_000}) {
            b.put(token, "v" + token);
        }

        assertTrue(b.machine.onMessage(A, new TreeRequest(7, ranges, 4)));
        assertEquals(new StorageOp.BuildTrees(ranges, 4), b.outbox.runNextStorage());

        Sent sent = onlySent(b.outbox);
        assertEquals(A, sent.to());
        MerkleTree first = MerkleTree.builder(ranges.get(0), 4)
                .add(-999, key(-999), b.engine.get(key(-999))).add(0, key(0), b.engine.get(key(0)))
                .add(1_000, key(1_000), b.engine.get(key(1_000))).build();
        MerkleTree second = MerkleTree.builder(ranges.get(1), 4)
                .add(5_001, key(5_001), b.engine.get(key(5_001))).add(9_000, key(9_000), b.engine.get(key(9_000))).build();
        assertEquals(new TreeResponse(7, List.of(first, second)), sent.message());
    }

    @Test
    void aKeyHashesRequestIsAnsweredWithTheStatesThatDifferOrAreMissingThereAndTheKeysWanted() {
        Side b = new Side(B, 3, SETTINGS);
        b.put(10, "same");
        b.put(20, "b20");
        b.put(40, "only-b");
        b.put(500, "outside");
        Side a = new Side(A, 3, SETTINGS);
        a.put(10, "same");
        a.put(20, "a20");
        a.put(30, "only-a");
        List<TokenRange> leaves = List.of(new TokenRange(0, 100));

        assertTrue(b.machine.onMessage(A, new KeyHashesRequest(8, leaves, hashesIn(a, leaves), Long.MAX_VALUE, RecentWrites.NONE, 0)));
        assertEquals(new StorageOp.Digests(leaves, RecentWrites.NONE), b.outbox.runNextStorage());
        List<Key> wanted = List.of(key(20), key(30));
        assertEquals(new StorageOp.ReadStates(List.of(key(20), key(40)), SETTINGS.maxBytesPerExchange() - KeyHashes.bytesOf(wanted)),
                b.outbox.runNextStorage(), "only the keys that differ or a lacks, within the responder's own byte bound");

        assertEquals(new KeyHashesResponse(8, List.of(new KeyState(key(20), state("b20")), new KeyState(key(40), state("only-b"))),
                wanted), onlySent(b.outbox).message());
        assertEquals(List.of(), b.metrics.keysRepaired(), "nothing merged yet");
    }

    @Test
    void aKeyHashesRequestWithNothingToSendReadsNoState() {
        Side b = new Side(B, 3, SETTINGS);
        b.put(10, "same");
        List<TokenRange> leaves = List.of(new TokenRange(0, 100));
        List<KeyHash> theirs = List.of(new KeyHash(key(10), 1, 2));

        b.machine.onMessage(A, new KeyHashesRequest(8, leaves, hashesIn(b, leaves), 1_000, RecentWrites.NONE, 0));
        assertEquals(List.of(new StorageOp.Digests(leaves, RecentWrites.NONE)), b.outbox.runStorage());
        assertEquals(new KeyHashesResponse(8, List.of(), List.of()), onlySent(b.outbox).message(), "equal hashes: nothing moves");

        b.machine.onMessage(A, new KeyHashesRequest(9, leaves, theirs, 1_000, RecentWrites.NONE, 0));
        b.outbox.runNextStorage();
        assertEquals(new StorageOp.ReadStates(List.of(key(10)), 1_000 - KeyHashes.bytesOf(List.of(key(10)))), b.outbox.nextStorage(),
                "a smaller byte bound of the request is kept");
    }

    @Test
    void aKeyStatesRequestIsMergedAndAcknowledged() {
        Side b = new Side(B, 3, SETTINGS);
        b.put(10, "b10");
        b.put(20, "b20");
        List<KeyState> incoming = List.of(new KeyState(key(10), state("a10")), new KeyState(key(30), state("a30")),
                new KeyState(key(20), state("b20")));

        assertTrue(b.machine.onMessage(A, new KeyStatesRequest(8, incoming)));
        assertEquals(new StorageOp.MergeAll(incoming, NO_PRUNING), b.outbox.runNextStorage());
        assertEquals(List.of(2), b.metrics.keysRepaired(), "t10 gained a sibling and t30 is new; t20 was equal");
        assertEquals(new KeyStatesResponse(8), onlySent(b.outbox).message());
        assertEquals(2, b.engine.get(key(10)).siblings().size(), "concurrent versions are kept as siblings");
    }

    @Test
    void badKeyHashesRequestsAreRefusedBeforeAnyWork() {
        Side b = new Side(B, 3, SETTINGS, () -> 77);
        b.put(10, "x");
        List<TokenRange> leaf = List.of(new TokenRange(0, 100));
        KeyHash ten = new KeyHash(key(10), 1, 2);
        KeyHash twenty = new KeyHash(key(20), 1, 2);
        long id = 200;
        Map<String, KeyHashesRequest> bad = new TreeMap<>();
        bad.put("overlapping leaves", new KeyHashesRequest(++id, List.of(new TokenRange(0, 100), new TokenRange(50, 150)), List.of(),
                1_000, RecentWrites.NONE, 77));
        bad.put("keys out of order", new KeyHashesRequest(++id, leaf, List.of(twenty, ten), 1_000, RecentWrites.NONE, 77));
        bad.put("a key twice", new KeyHashesRequest(++id, leaf, List.of(ten, ten), 1_000, RecentWrites.NONE, 77));
        bad.put("another ring", new KeyHashesRequest(++id, leaf, List.of(ten), 1_000, RecentWrites.NONE, 78));
        bad.put("too many leaves", new KeyHashesRequest(++id, java.util.Collections.nCopies((int) AntiEntropy.LEAVES_MAX + 1,
                new TokenRange(0, 1)), List.of(), 1_000, RecentWrites.NONE, 77));
        bad.put("too many hashes", new KeyHashesRequest(++id, leaf, java.util.Collections.nCopies(AntiEntropy.HASHES_MAX + 1, ten),
                1_000, RecentWrites.NONE, 77));
        bad.forEach((what, request) -> {
            assertTrue(b.machine.onMessage(A, request));
            assertRefused(b, request.requestId(), what);
        });
        assertEquals(state("x"), b.engine.get(key(10)), "a refused request changes nothing");

        b.machine.onMessage(A, new KeyHashesRequest(++id, leaf, List.of(ten, twenty), 1_000, RecentWrites.NONE, 77));
        assertTrue(b.outbox.hasStorage(), "the same ring and keys in order are served");
    }

    @Test
    void overlappingRangesAndOversizedTreeRequestsAreRefused() {
        Side b = new Side(B, 3, SETTINGS);
        List<List<TokenRange>> overlapping = List.of(
                List.of(new TokenRange(0, 100), new TokenRange(50, 150)),
                List.of(new TokenRange(0, 100), new TokenRange(10, 20)),
                List.of(new TokenRange(0, 100), new TokenRange(0, 100)),
                List.of(TokenRange.FULL_RING, new TokenRange(10, 20)),
                List.of(new TokenRange(1_000, -1_000), new TokenRange(5_000, 6_000)),
                List.of(new TokenRange(1_000, 2_000), new TokenRange(3_000, 4_000), new TokenRange(1_500, 3_500)));
        long id = 100;
        for (List<TokenRange> ranges : overlapping) {
            assertTrue(b.machine.onMessage(A, new TreeRequest(++id, ranges, 4)));
            assertRefused(b, id, ranges + " in a tree request");
            assertTrue(b.machine.onMessage(A, new KeyHashesRequest(++id, ranges, List.of(), 1_000, RecentWrites.NONE, 0)));
            assertRefused(b, id, ranges + " in a key-hash request");
        }
        assertEquals(Siblings.EMPTY, b.engine.get(key(10)), "a refused request changes nothing");

        List<TokenRange> thirtyTwo = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            thirtyTwo.add(new TokenRange(i * 1_000_000L, i * 1_000_000L + 500_000));
        }
        assertTrue(b.machine.onMessage(A, new TreeRequest(++id, thirtyTwo, MerkleTree.MAX_DEPTH)));
        assertRefused(b, id, "2^21 leaves");
        assertTrue(b.machine.onMessage(A, new TreeRequest(++id, thirtyTwo.subList(0, 16), MerkleTree.MAX_DEPTH)));
        assertEquals(new StorageOp.BuildTrees(thirtyTwo.subList(0, 16), MerkleTree.MAX_DEPTH), b.outbox.nextStorage(),
                "2^20 leaves is the most a peer may ask for");
    }

    @Test
    void disjointRangesAreServed() {
        assertTrue(AntiEntropy.disjoint(List.of()));
        assertTrue(AntiEntropy.disjoint(List.of(TokenRange.FULL_RING)));
        assertTrue(AntiEntropy.disjoint(List.of(new TokenRange(0, 100), new TokenRange(100, 200))), "adjacent, not overlapping");
        assertTrue(AntiEntropy.disjoint(List.of(new TokenRange(300, -300), new TokenRange(0, 100), new TokenRange(-300, -200))));
        assertFalse(AntiEntropy.disjoint(List.of(new TokenRange(300, -300), new TokenRange(-400, -350))), "inside the wrapping range");
    }

    /** Two ranges overlap exactly when one holds the other's end; {@code disjoint} must agree on every random list. */
    @Test
    void disjointAgreesWithAPairwiseCheckOnRandomRanges() {
        Seeds.forEach(0xD15_0001L, 5_000, (seed, random) -> {
            List<TokenRange> ranges = new ArrayList<>();
            for (int i = random.nextInt(5); i > 0; i--) {
                long start = random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(200) - 100;
                long end = random.nextInt(8) == 0 ? random.nextLong() : random.nextInt(200) - 100;
                ranges.add(new TokenRange(start, end));
            }
            boolean overlap = false;
            for (int i = 0; i < ranges.size(); i++) {
                for (int j = 0; j < ranges.size(); j++) {
                    overlap |= i != j && ranges.get(i).contains(ranges.get(j).endInclusive());
                }
            }
            assertEquals(!overlap, AntiEntropy.disjoint(ranges), ranges.toString());
        });
    }

    private static void assertRefused(Side side, long requestId, String what) {
        Sent sent = onlySent(side.outbox);
        assertEquals(A, sent.to());
        assertTrue(sent.message() instanceof ReplicaFailure failure && failure.requestId() == requestId, what + ": " + sent);
        assertFalse(side.outbox.hasStorage(), what + ": no work is done");
    }

    // ---- failures ----

    @Test
    void aTimeoutAbandonsTheExchangeAndTheNextOneCanStart() {
        Side a = new Side(A, 3, SETTINGS);
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest stuck = a.startExchange(THREE, 1_000, B);
        a.outbox.runStorage();

        a.outbox.advanceTo(6_000);
        assertFalse(a.outbox.hasTimer(stuck.requestId()), "the timeout fired");
        a.machine.onMessage(B, new TreeResponse(stuck.requestId(), List.of(MerkleTree.builder(TokenRange.FULL_RING, stuck.depth()).build())));
        assertEquals(List.of(), a.metrics.compared(), "a late answer is ignored");
        assertFalse(a.outbox.hasStorage());
        assertEquals(6_000 - 0, a.metrics.lastSyncAge(), "b's range counts as not synced since the machine started");
        assertEquals(List.of(new RangeSync(B, stuck.ranges().get(0), 0, false)), a.metrics.lastSyncs(),
                "a pair never in sync is published as such, dated from the start");

        TreeRequest next = a.startExchange(THREE, 6_000, C);
        assertTrue(next.requestId() != stuck.requestId());
    }

    @Test
    void aFailedOrUnsendableExchangeEndsAtOnce() {
        Side a = new Side(A, 3, SETTINGS);
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest first = a.startExchange(THREE, 1_000, B);
        assertTrue(a.machine.onMessage(B, new ReplicaFailure(first.requestId(), "disk")));
        assertEquals(List.of(first.requestId()), a.outbox.cancelled());

        TreeRequest second = a.startExchange(THREE, 2_000, C);
        a.machine.onSendFailed(C, second.requestId());
        assertFalse(a.outbox.hasTimer(second.requestId()));
        a.outbox.runStorage();
        assertEquals(List.of(), a.outbox.takeSent(), "the own trees arriving late start nothing");

        a.startExchange(THREE, 3_000, B);
    }

    @Test
    void repliesOfAnotherExchangeOrPeerAreIgnored() {
        Side a = new Side(A, 3, SETTINGS);
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);
        a.outbox.runStorage();
        List<MerkleTree> different = List.of(MerkleTree.builder(TokenRange.FULL_RING, request.depth()).add(5, key(5), state("x")).build());

        a.machine.onMessage(C, new TreeResponse(request.requestId(), different));
        a.machine.onMessage(B, new TreeResponse(request.requestId() + 1, different));
        assertFalse(a.machine.onMessage(B, new ReplicaFailure(request.requestId() + 1, "not ours")), "left for the coordinators");
        assertFalse(a.machine.onMessage(C, new ReplicaFailure(request.requestId(), "not from b")));
        a.machine.onSendFailed(C, request.requestId());

        assertEquals(List.of(), a.metrics.compared());
        assertTrue(a.outbox.hasTimer(request.requestId()), "still running");
    }

    @Test
    void treesOfAnotherShapeEndTheExchangeWithoutAKeyExchange() {
        Side a = new Side(A, 3, SETTINGS);
        a.put(5, "x");
        a.machine.onTick(THREE, ALL_ALIVE);
        TreeRequest request = a.startExchange(THREE, 1_000, B);
        a.outbox.runStorage();

        a.machine.onMessage(B, new TreeResponse(request.requestId(), List.of(MerkleTree.builder(TokenRange.FULL_RING, 3).build())));

        assertFalse(a.outbox.hasStorage(), "no scan");
        assertEquals(List.of(), a.outbox.takeSent());
        assertEquals(List.of(request.requestId()), a.outbox.cancelled());
    }

    @Test
    void leavesGrowWithTheKeysBetween1024And16384() {
        assertEquals(10, AntiEntropy.depthFor(1, 0), "1,024 leaves for a small node");
        assertEquals(10, AntiEntropy.depthFor(1, 65_536), "still 1,024 at 64 keys a leaf");
        assertEquals(13, AntiEntropy.depthFor(1, 1_000_000), "8,192 leaves: about 120 keys a leaf");
        assertEquals(14, AntiEntropy.depthFor(1, 100_000_000), "at most 16,384 leaves");
        assertEquals(12, AntiEntropy.depthFor(3, 1_000_000), "over three ranges: 3 x 4,096 leaves");
    }
}
