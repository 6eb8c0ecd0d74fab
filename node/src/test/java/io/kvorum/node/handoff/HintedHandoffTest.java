package io.kvorum.node.handoff;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.runtime.LocalStorage;
import io.kvorum.node.protocol.RecordingMetrics;
import io.kvorum.node.protocol.RecordingOutbox;
import io.kvorum.node.protocol.RecordingOutbox.Sent;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link HintedHandoff} driven through a {@link RecordingOutbox} over a real {@link MemoryHintStore}:
 * who gets hints, in which batches, when they are deleted, the back-off after failures, the token
 * bucket, and the replies it must ignore. Time moves only when the test moves it.
 */
class HintedHandoffTest {
    private static final NodeId SELF = NodeId.of("node-a");
    private static final NodeId OWNER = NodeId.of("node-b");
    private static final NodeId OTHER = NodeId.of("node-c");
    private static final List<NodeId> MEMBERS = List.of(SELF, OWNER, OTHER);
    private static final Predicate<NodeId> ONLY_OWNER_ALIVE = node -> node.equals(OWNER);
    private static final ToLongFunction<Key> TOKENIZER = key -> key.hashCode();
    /** 1,000 hints/s, batches of 3, a 2 s acknowledgement timeout, back-off from 100 ms doubling to 800 ms. */
    private static final HandoffSettings SETTINGS = new HandoffSettings(true, 1_000, 3, 1 << 20, 2_000, 100, 800);

    private final MemoryHintStore hints = new MemoryHintStore(10_000);
    private final RecordingOutbox outbox = new RecordingOutbox(new LocalStorage(new MemoryEngine(TOKENIZER), hints, TOKENIZER));
    private final RecordingMetrics metrics = new RecordingMetrics();

    private HintedHandoff handoff(HandoffSettings settings) {
        return new HintedHandoff(SELF, settings, outbox, metrics);
    }

    private static Siblings state(int i) {
        return Siblings.EMPTY.write(issuer(actor("node-x")), CausalContext.EMPTY, Optional.of(bytes("v" + i)), 1_000, NO_PRUNING).state();
    }

    private static KeyState entry(int i) {
        return new KeyState(Key.of("k" + i), state(i));
    }

    /** Stores hints {@code from} (inclusive) to {@code to} (exclusive) for {@code owner}, in order. */
    private void storeHints(NodeId owner, int from, int to) {
        for (int i = from; i < to; i++) {
            assertTrue(hints.append(new Hint(owner, Key.of("k" + i), state(i))));
        }
    }

    private static List<KeyState> entries(int from, int to) {
        List<KeyState> entries = new ArrayList<>();
        for (int i = from; i < to; i++) {
            entries.add(entry(i));
        }
        return entries;
    }

    /** Runs the waiting storage operations and returns the one batch sent, which must go to {@code OWNER}. */
    private HintBatch batchSent() {
        outbox.runStorage();
        List<Sent> sent = outbox.takeSent();
        assertEquals(1, sent.size(), "one batch: " + sent);
        assertEquals(OWNER, sent.get(0).to());
        return (HintBatch) sent.get(0).message();
    }

    /** The owner acknowledges {@code batch}; the deletion and the next load run; returns the next batch, if any. */
    private Optional<HintBatch> acknowledge(HintedHandoff handoff, HintBatch batch) {
        assertTrue(handoff.onReply(OWNER, new HintBatchAck(batch.requestId())));
        outbox.runStorage();
        List<Sent> sent = outbox.takeSent();
        assertTrue(sent.size() <= 1, sent.toString());
        return sent.stream().map(s -> (HintBatch) s.message()).findFirst();
    }

    // ---- who and what ----

    @Test
    void nothingGoesToADeadOwnerNorToItself() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 2);
        storeHints(SELF, 2, 3);

        handoff.onTick(MEMBERS, node -> !node.equals(OWNER));

        assertEquals(List.of(new StorageOp.LoadHints(OTHER, 3, 1 << 20)), outbox.runStorage(), "only the live peer is looked at");
        assertEquals(List.of(), outbox.takeSent(), "c has no hints");
        assertEquals(2, hints.count(OWNER));
    }

    @Test
    void anOwnerFoundWithoutHintsIsNotAskedAgainUntilAHintIsStoredForIt() {
        HintedHandoff handoff = handoff(SETTINGS);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertEquals(List.of(new StorageOp.LoadHints(OWNER, 3, 1 << 20)), outbox.runStorage(), "asked once after start");

        outbox.advanceBy(1_000);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertEquals(List.of(), outbox.runStorage(), "an empty queue is not asked for every tick");

        storeHints(OWNER, 0, 2);
        handoff.onHintStored(OWNER);
        outbox.advanceBy(1_000);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        HintBatch batch = batchSent();
        assertEquals(entries(0, 2), batch.entries());
    }

    @Test
    void aDisabledHandoffDoesNothing() {
        HintedHandoff handoff = handoff(new HandoffSettings(false, 1_000, 3, 1 << 20, 2_000, 100, 800));
        storeHints(OWNER, 0, 2);

        handoff.onTick(MEMBERS, node -> true);

        assertFalse(outbox.hasStorage());
        assertEquals(List.of(), outbox.takeSent());
    }

    @Test
    void deliversTheOldestHintsInBatchesOfAtMostTheBatchSize() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 7);

        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);

        assertEquals(new StorageOp.LoadHints(OWNER, 3, 1 << 20), outbox.nextStorage());
        HintBatch batch = batchSent();
        assertEquals(entries(0, 3), batch.entries());
        assertEquals(2_000, outbox.timerAt(batch.requestId()), "the acknowledgement is awaited for the timeout");
    }

    @Test
    void theByteBoundGoesToTheStore() {
        HintedHandoff handoff = handoff(new HandoffSettings(true, 1_000, 3, 1, 2_000, 100, 800));
        storeHints(OWNER, 0, 3);

        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);

        assertEquals(new StorageOp.LoadHints(OWNER, 3, 1), outbox.nextStorage());
        assertEquals(entries(0, 1), batchSent().entries(), "at least one hint however small the bound");
    }

    @Test
    void hintsAreDeletedOnlyAfterTheOwnersAckAndThenTheNextBatchIsLoaded() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 7);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        HintBatch first = batchSent();

        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertFalse(outbox.hasStorage(), "one batch per owner in flight: no second load, no delete");
        assertEquals(7, hints.count(OWNER));

        assertTrue(handoff.onReply(OWNER, new HintBatchAck(first.requestId())));
        assertFalse(outbox.hasTimer(first.requestId()), "the timeout is cancelled");
        assertEquals(List.of(first.requestId()), outbox.cancelled());
        assertEquals(StorageOp.DeleteHints.class, outbox.nextStorage().getClass());
        assertEquals(OWNER, ((StorageOp.DeleteHints) outbox.nextStorage()).owner());
        assertEquals(3, ((StorageOp.DeleteHints) outbox.nextStorage()).ids().size());
        outbox.runNextStorage();
        assertEquals(4, hints.count(OWNER), "the delivered three are gone");
        assertEquals(new StorageOp.LoadHints(OWNER, 3, 1 << 20), outbox.nextStorage(), "the next batch is loaded at once");
        HintBatch second = batchSent();
        assertEquals(entries(3, 6), second.entries());

        HintBatch third = acknowledge(handoff, second).orElseThrow();
        assertEquals(entries(6, 7), third.entries());
        assertEquals(Optional.empty(), acknowledge(handoff, third), "nothing left");
        assertEquals(0, hints.count(OWNER));
        assertEquals(List.of(3, 3, 1), metrics.hintsDelivered());
    }

    // ---- failures and back-off ----

    /** Checks that the owner is left alone until {@code backoffMillis} after now, then loaded again. */
    private HintBatch expectBackoff(HintedHandoff handoff, long backoffMillis) {
        long failedAt = outbox.nowMillis();
        outbox.advanceTo(failedAt + backoffMillis - 1);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertFalse(outbox.hasStorage(), "still backing off " + backoffMillis + " ms after " + failedAt);
        outbox.advanceTo(failedAt + backoffMillis);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertTrue(outbox.hasStorage(), "retried " + backoffMillis + " ms after the failure");
        return batchSent();
    }

    @Test
    void failuresTimeoutsAndSendFailuresBackOffExponentiallyUpToTheMaximumAndResetAfterSuccess() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 7);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        HintBatch batch = batchSent();

        assertTrue(handoff.onReply(OWNER, new ReplicaFailure(batch.requestId(), "disk full")));
        assertFalse(outbox.hasTimer(batch.requestId()));
        batch = expectBackoff(handoff, 100);
        assertEquals(entries(0, 3), batch.entries(), "nothing was deleted: the same hints again");

        outbox.advanceBy(2_000); // the acknowledgement timeout fires
        batch = expectBackoff(handoff, 200);

        handoff.onSendFailed(OWNER, batch);
        batch = expectBackoff(handoff, 400);
        handoff.onSendFailed(OWNER, batch);
        batch = expectBackoff(handoff, 800);
        handoff.onSendFailed(OWNER, batch);
        batch = expectBackoff(handoff, 800);
        assertEquals(7, hints.count(OWNER));
        assertEquals(List.of(), metrics.hintsDelivered());

        HintBatch next = acknowledge(handoff, batch).orElseThrow();
        assertEquals(entries(3, 6), next.entries());
        assertTrue(handoff.onReply(OWNER, new ReplicaFailure(next.requestId(), "busy")));
        expectBackoff(handoff, 100);
    }

    @Test
    void aFailedLoadLeavesTheOwnerIdleWithoutBackOff() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 2);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);

        outbox.completeNextStorage(new StorageResult.Failed("disk"));
        assertEquals(List.of(), outbox.takeSent());
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);

        assertEquals(entries(0, 2), batchSent().entries());
    }

    // ---- the token bucket ----

    @Test
    void theBucketStartsFullAndRefillsAtTheRate() {
        HintedHandoff handoff = handoff(new HandoffSettings(true, 10, 100, 1 << 20, 2_000, 100, 800));
        storeHints(OWNER, 0, 50);

        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        HintBatch first = batchSent();
        assertEquals(10, first.entries().size(), "a full bucket: ten hints, not the batch size of 100");
        assertEquals(Optional.empty(), acknowledge(handoff, first), "the bucket is empty now");

        outbox.advanceTo(50);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertFalse(outbox.hasStorage(), "half a token after 50 ms");
        outbox.advanceTo(200);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        assertEquals(new StorageOp.LoadHints(OWNER, 2, 1 << 20), outbox.nextStorage(), "two tokens after 200 ms");
    }

    /** With acknowledgements coming at once, ten seconds deliver about ten seconds' worth of hints, plus one bucket. */
    @Test
    void theBucketBoundsTheHintsPerSecond() {
        int rate = 20;
        HintedHandoff handoff = handoff(new HandoffSettings(true, rate, 100, 1 << 20, 2_000, 100, 800));
        storeHints(OWNER, 0, 1_000);

        for (long now = 0; now <= 10_000; now += 10) {
            outbox.advanceTo(now);
            handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
            outbox.runStorage();
            for (List<Sent> sent = outbox.takeSent(); !sent.isEmpty(); sent = outbox.takeSent()) {
                for (Sent batch : sent) {
                    assertTrue(handoff.onReply(OWNER, new HintBatchAck(((HintBatch) batch.message()).requestId())));
                }
                outbox.runStorage();
            }
        }

        int delivered = metrics.hintsDeliveredTotal();
        assertTrue(delivered <= rate * 10 + rate, "at most the rate for 10 s plus a full bucket, got " + delivered);
        assertTrue(delivered >= rate * 10 * 9 / 10, "close to the rate, got " + delivered);
        assertEquals(1_000 - delivered, hints.count(OWNER));
    }

    /**
     * The bucket is shared by all owners, so tokens are reserved when a load is requested, not when
     * it completes: a tick asks the store for every idle owner's batch before any load completes
     * (storage is asynchronous in NodeCore too). Taking them on completion once granted each owner
     * the whole bucket: with three owners and 20 hints/s, 60 hints in the first second.
     */
    @Test
    void oneTickLoadsAtMostTheBucketOverAllOwners() {
        int rate = 20;
        HintedHandoff handoff = handoff(new HandoffSettings(true, rate, 100, 1 << 20, 2_000, 100, 800));
        storeHints(OWNER, 0, 100);
        storeHints(OTHER, 0, 100);
        NodeId third = NodeId.of("node-d");
        storeHints(third, 0, 100);

        handoff.onTick(List.of(SELF, OWNER, OTHER, third), node -> true);

        int asked = 0;
        while (outbox.hasStorage()) {
            asked += ((StorageOp.LoadHints) outbox.completeNextStorage(new StorageResult.HintsLoaded(List.of()))).maxCount();
        }
        assertTrue(asked <= rate, "the loads of one tick ask for " + asked + " hints, more than the bucket of " + rate);
    }

    // ---- replies it must ignore ----

    @Test
    void staleRepliesAreIgnored() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 4);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        HintBatch batch = batchSent();

        assertFalse(handoff.onReply(OWNER, new HintBatchAck(batch.requestId() + 100)), "another request id");
        assertFalse(handoff.onReply(OTHER, new HintBatchAck(batch.requestId())), "another node");
        assertFalse(handoff.onReply(OWNER, new ReplicaFailure(batch.requestId() + 100, "not mine")), "left for the coordinators");
        assertFalse(handoff.onReply(OTHER, new ReplicaFailure(batch.requestId(), "not from the owner")));
        assertFalse(handoff.onReply(OWNER, new ReplicaPutResponse(batch.requestId())), "not a handoff message");
        handoff.onSendFailed(OTHER, batch);
        assertFalse(outbox.hasStorage(), "nothing deleted");
        assertTrue(outbox.hasTimer(batch.requestId()), "still waiting");

        assertEquals(entries(3, 4), acknowledge(handoff, batch).orElseThrow().entries());
        assertFalse(handoff.onReply(OWNER, new HintBatchAck(batch.requestId())), "a duplicate of the acknowledgement");
        assertFalse(outbox.hasStorage(), "deleted once");
        assertEquals(List.of(3), metrics.hintsDelivered());
    }

    @Test
    void anAckAfterTheTimeoutIsIgnoredAndTheHintsAreSentAgain() {
        HintedHandoff handoff = handoff(SETTINGS);
        storeHints(OWNER, 0, 2);
        handoff.onTick(MEMBERS, ONLY_OWNER_ALIVE);
        HintBatch batch = batchSent();

        outbox.advanceBy(2_000);
        assertFalse(handoff.onReply(OWNER, new HintBatchAck(batch.requestId())), "too late");
        assertFalse(outbox.hasStorage());
        assertEquals(2, hints.count(OWNER));

        HintBatch again = expectBackoff(handoff, 100);
        assertEquals(batch.entries(), again.entries(), "merging twice is harmless, losing a hint is not");
        assertTrue(again.requestId() != batch.requestId());
    }
}
