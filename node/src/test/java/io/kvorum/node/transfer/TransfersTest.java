package io.kvorum.node.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.membership.ChangePlan;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.PeerMessage.StreamBatch;
import io.kvorum.node.message.PeerMessage.StreamRequest;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.transfer.TransferProgress.RangeProgress;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.ring.RingDiff.RangeChange;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The receiving and the serving side of range transfers, driven by hand: a joiner waits until every
 * live member has seen the plan, pulls each range in key order from the node that loses it, resumes
 * from its cursor (after a failure, from the survivors; after a restart, from its persisted progress),
 * keeps to its rate, and reports the plan streamed once, when every range is in.
 */
class TransfersTest {
    private static final NodeId ONE = NodeId.of("node-1");
    private static final NodeId TWO = NodeId.of("node-2");
    private static final NodeId THREE = NodeId.of("node-3");
    private static final NodeId FOUR = NodeId.of("node-4");
    private static final TransferSettings SETTINGS = new TransferSettings(1_000_000, 1, 1_000, 2_000, 10_000, 30_000);

    private final Ring current = Ring.allocate(List.of(ONE, TWO, THREE), 4);
    private final Ring future = current.withNode(FOUR, List.of(-6_000_000_000_000_000_000L, 1_000L, 4_000_000_000_000_000_000L, 8_000_000_000_000_000_000L));
    private final ChangePlan plan = ChangePlan.between(ChangePlan.Reason.JOIN, FOUR, current, future, 3, Set.of());
    private final ScriptedOutbox outbox = new ScriptedOutbox();
    private final List<TransferProgress> persisted = new ArrayList<>();

    @Test
    void streamingWaitsUntilEveryLiveMemberHasSeenThePlanAndTheSettleTimeHasPassed() {
        Transfers transfers = transfers(Optional.empty());
        assertEquals(OptionalLong.empty(), tick(transfers, false));
        assertTrue(outbox.sent.isEmpty(), "no request before every live member has seen the plan");
        tick(transfers, true);
        outbox.now += SETTINGS.settleMillis() - 1;
        tick(transfers, true);
        assertTrue(outbox.sent.isEmpty(), "none within the settle time either");
        outbox.now += 1;
        tick(transfers, true);
        assertEquals(1, outbox.sent.size(), "one request at a time (concurrency 1)");
        assertTrue(transfers.views().stream().anyMatch(view -> view.state().equals("pending")));
    }

    @Test
    void theRangesOfEachSourceArePulledTogetherInKeyOrderAndThePlanIsReportedStreamedOnce() {
        Transfers transfers = started(Optional.empty());
        List<RangeChange> gains = plan.gainedBy(FOUR);
        List<TokenRange> requested = new ArrayList<>();
        int requests = 0;
        OptionalLong streamed = OptionalLong.empty();
        while (!outbox.sent.isEmpty() && streamed.isEmpty()) {
            Sent sent = outbox.sent.remove(0);
            StreamRequest request = assertInstanceOf(StreamRequest.class, sent.message());
            requests++;
            for (TokenRange range : request.ranges()) {
                RangeChange change = gains.stream().filter(c -> c.range().equals(range)).findFirst().orElseThrow();
                assertEquals(plan.sources(change).exact().get(0), sent.to(), "every range of a request comes from the node that loses it");
            }
            if (request.after().isEmpty()) {
                // A first batch ends inside the first range: the next request resumes after its last key.
                transfers.onBatch(sent.to(), new StreamBatch(request.requestId(), List.of(entry("a"), entry("b")), 0,
                        Optional.of(Key.of("b")), 4));
            } else {
                assertEquals(Key.of("b"), request.after().get(), "the next batch starts after the last stored key");
                requested.addAll(request.ranges());
                transfers.onBatch(sent.to(), new StreamBatch(request.requestId(), List.of(entry("c")), request.ranges().size(),
                        Optional.empty(), 0));
            }
            outbox.completeStorage(new StorageResult.Merged(1));
            outbox.fireTimers();
            streamed = tick(transfers, true);
        }
        assertEquals(OptionalLong.of(plan.id()), streamed);
        assertEquals(gains.size(), requested.size(), "every gained range was requested");
        long sources = gains.stream().map(change -> plan.sources(change).exact().get(0)).distinct().count();
        assertEquals(2 * sources, requests, "two requests per source, not one per range");
        assertEquals(OptionalLong.empty(), tick(transfers, true), "reported once");
        assertTrue(transfers.views().stream().allMatch(view -> view.state().equals("done")));
        assertEquals(3 * sources, transfers.views().stream().mapToLong(Transfers.View::keys).sum());
        TransferProgress last = persisted.get(persisted.size() - 1);
        assertTrue(last.ranges().stream().allMatch(RangeProgress::done));
    }

    @Test
    void aFailedExactSourceIsReplacedByTheSurvivorsFromTheCursorOn() {
        Transfers transfers = started(Optional.empty());
        Sent first = outbox.sent.remove(0);
        StreamRequest request = (StreamRequest) first.message();
        transfers.onBatch(first.to(), new StreamBatch(request.requestId(), List.of(entry("a")), 0, Optional.of(Key.of("a")), 5));
        outbox.completeStorage(new StorageResult.Merged(1));
        outbox.fireTimers();
        Sent second = outbox.sent.remove(0);
        assertTrue(transfers.onFailure(second.to(), ((StreamRequest) second.message()).requestId(), "disk failed"));
        outbox.now += 1_000;
        tick(transfers, true);
        Sent retry = outbox.sent.stream().filter(s -> ((StreamRequest) s.message()).ranges().contains(request.ranges().get(0)))
                .findFirst().orElseThrow();
        StreamRequest again = (StreamRequest) retry.message();
        assertEquals(List.of(request.ranges().get(0)), again.ranges(), "a range streamed from the survivors goes alone");
        assertEquals(Optional.of(Key.of("a")), again.after(), "resumed after the last stored key, not from zero");
        RangeChange change = plan.gainedBy(FOUR).stream().filter(c -> c.range().equals(request.ranges().get(0))).findFirst().orElseThrow();
        assertFalse(retry.to().equals(first.to()), "another source");
        assertTrue(plan.sources(change).union().contains(retry.to()));
    }

    @Test
    void aRestartResumesFromThePersistedProgress() {
        List<RangeChange> gains = plan.gainedBy(FOUR);
        List<RangeProgress> ranges = new ArrayList<>();
        ranges.add(new RangeProgress(gains.get(0).range(), Optional.of(Key.of("k9")), 0, true, 10, 900));
        ranges.add(new RangeProgress(gains.get(1).range(), Optional.of(Key.of("k5")), 0, false, 5, 450));
        Transfers transfers = started(Optional.of(new TransferProgress(plan.id(), ranges)));
        StreamRequest request = (StreamRequest) outbox.sent.get(0).message();
        assertEquals(gains.get(1).range(), request.ranges().get(0), "the range already done is not streamed again");
        assertEquals(Optional.of(Key.of("k5")), request.after());
        assertFalse(outbox.sent.stream().anyMatch(s -> ((StreamRequest) s.message()).ranges().contains(gains.get(0).range())));
        assertEquals("done", transfers.views().get(0).state());
        assertEquals(5, transfers.views().get(1).keys());
    }

    @Test
    void theNextBatchWaitsForTheRate() {
        Transfers transfers = started(Optional.empty());
        Sent first = outbox.sent.remove(0);
        // 50 states of about 1 KB each at 1 MB/s: about 50 ms before the next request.
        List<KeyState> entries = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            entries.add(new KeyState(Key.of("key-" + (1000 + i)), state(new byte[1000])));
        }
        transfers.onBatch(first.to(), new StreamBatch(((StreamRequest) first.message()).requestId(), entries, 0,
                Optional.of(entries.get(entries.size() - 1).key()), 10));
        outbox.completeStorage(new StorageResult.Merged(50));
        assertTrue(outbox.sent.isEmpty(), "not at once");
        long at = outbox.timers.keySet().iterator().next();
        long batchBytes = entries.stream().mapToLong(e -> StorageOp.sizeOf(e.key(), e.state())).sum();
        assertEquals(outbox.now + batchBytes * 1000 / SETTINGS.rateBytesPerSecond(), at);
        outbox.fireTimers();
        assertEquals(1, outbox.sent.size());
    }

    @Test
    void aSourceServesOneBatchOfTheRangeAfterTheCursor() {
        Transfers transfers = transfers(Optional.empty());
        TokenRange range = new TokenRange(0, 100);
        transfers.serve(FOUR, new StreamRequest(77, List.of(range), Optional.of(Key.of("m")), 64 * 1024));
        StorageOp.StreamScan scan = assertInstanceOf(StorageOp.StreamScan.class, outbox.storage.get(0).op());
        assertEquals(List.of(range), scan.ranges());
        assertEquals(Optional.of(Key.of("m")), scan.after());
        outbox.completeStorage(new StorageResult.Streamed(List.of(entry("n")), 0, Optional.of(Key.of("n")), 3));
        StreamBatch batch = assertInstanceOf(StreamBatch.class, outbox.sent.get(0).message());
        assertEquals(77, batch.requestId());
        assertEquals(3, batch.keysLeft());
        assertEquals(Optional.of(Key.of("n")), batch.resumeAfter());
        assertEquals(FOUR, outbox.sent.get(0).to());
    }

    @Test
    void aSourceRefusesOverlappingRanges() {
        Transfers transfers = transfers(Optional.empty());
        transfers.serve(FOUR, new StreamRequest(78, List.of(new TokenRange(0, 100), new TokenRange(50, 150)), Optional.empty(), 1024));
        assertTrue(outbox.storage.isEmpty());
        assertInstanceOf(PeerMessage.ReplicaFailure.class, outbox.sent.get(0).message());
    }

    @Test
    void afterAChangeTheRangesNoLongerReplicatedAreDroppedOnceTheRingHasBeenStable() {
        Transfers transfers = transfers(Optional.empty());
        tick(transfers, false);
        List<TokenRange> kept = List.of(new TokenRange(0, 100));
        transfers.onTick(Optional.empty(), true, node -> true, () -> kept);
        outbox.now += SETTINGS.cleanupDelayMillis() - 1;
        transfers.onTick(Optional.empty(), true, node -> true, () -> kept);
        assertTrue(outbox.storage.isEmpty(), "not before the delay");
        outbox.now += 1;
        transfers.onTick(Optional.empty(), true, node -> true, () -> kept);
        StorageOp.Purge purge = assertInstanceOf(StorageOp.Purge.class, outbox.storage.get(0).op());
        assertEquals(kept, purge.keep());
    }

    // ---- harness -------------------------------------------------------------------------------

    private Transfers transfers(Optional<TransferProgress> resumed) {
        return new Transfers(FOUR, SETTINGS, 64, Murmur3Partitioner.INSTANCE::token, outbox, CoreMetrics.NONE, persisted::add,
                resumed);
    }

    private Transfers started(Optional<TransferProgress> resumed) {
        Transfers transfers = transfers(resumed);
        tick(transfers, true);
        outbox.now += SETTINGS.settleMillis();
        tick(transfers, true);
        return transfers;
    }

    private OptionalLong tick(Transfers transfers, boolean seenByAll) {
        return transfers.onTick(Optional.of(plan), seenByAll, node -> true, List::of);
    }

    private static KeyState entry(String key) {
        return new KeyState(Key.of(key), state(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Siblings state(byte[] value) {
        return Siblings.EMPTY.write(new DotIssuer(new Actor(ONE, 0)), CausalContext.EMPTY, Optional.of(Bytes.copyOf(value)), 1, 8)
                .state();
    }

    private record Sent(NodeId to, PeerMessage message) {}

    private record Storage(StorageOp op, Consumer<StorageResult> then) {}

    private static final class ScriptedOutbox implements Outbox {
        long now = 1_000;
        long nextId = 1;
        final List<Sent> sent = new ArrayList<>();
        final List<Storage> storage = new ArrayList<>();
        final Map<Long, Runnable> timers = new TreeMap<>();

        @Override
        public long nowMillis() {
            return now;
        }

        @Override
        public long newId() {
            return nextId++;
        }

        @Override
        public long wallMillis() {
            return 1_700_000_000_000L + now;
        }

        @Override
        public void send(NodeId to, PeerMessage message) {
            sent.add(new Sent(to, message));
        }

        @Override
        public void storage(StorageOp op, Consumer<StorageResult> then) {
            storage.add(new Storage(op, then));
        }

        @Override
        public void setTimer(long timerId, long atMillis, Runnable onFire) {
            timers.put(atMillis, onFire);
        }

        @Override
        public void cancelTimer(long timerId) {
        }

        void completeStorage(StorageResult result) {
            Storage next = storage.remove(0);
            next.then().accept(result);
        }

        void fireTimers() {
            while (!timers.isEmpty()) {
                Map.Entry<Long, Runnable> first = timers.entrySet().iterator().next();
                timers.remove(first.getKey());
                now = Math.max(now, first.getKey());
                first.getValue().run();
            }
        }
    }
}
