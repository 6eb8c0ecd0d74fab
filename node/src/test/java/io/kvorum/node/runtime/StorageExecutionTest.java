package io.kvorum.node.runtime;

import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.RecentWrites;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.hint.Hints;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.merkle.EntryHasher;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Siblings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The issue-5 {@link StorageOp}s run by {@link StorageExecution#execute} against a {@link MemoryEngine} and a
 * {@link MemoryHintStore}: batch merges, hint loading with its bounds, Merkle trees of several ranges
 * anti-entropy's key hashes and state reads with a byte bound. Keys are named {@code t<token>}, so each test places them.
 */
class StorageExecutionTest {
    private static final ToLongFunction<Key> TOKENIZER = key -> Long.parseLong(key.text().substring(1));
    private static final NodeId OWNER = NodeId.of("node-b");
    private static final NodeId OTHER = NodeId.of("node-c");

    /** A memory engine and a hint store of four hints per owner, and what ops run against. */
    private static final class Store {
        final MemoryEngine engine = new MemoryEngine(TOKENIZER);
        final MemoryHintStore hints = new MemoryHintStore(4);
        final LocalStorage storage = new LocalStorage(engine, hints, TOKENIZER);

        StorageResult run(StorageOp op) {
            return StorageExecution.execute(storage, op);
        }

        /** Stores states for random tokens and for the tokens at and next to every range edge; returns them by key. */
        Map<Key, Long> storeKeys(RandomGenerator random, List<TokenRange> ranges) {
            List<Long> tokens = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                tokens.add(random.nextLong());
            }
            for (TokenRange range : ranges) {
                for (long edge : new long[] {range.startExclusive(), range.endInclusive()}) {
                    tokens.add(edge);
                    tokens.add(edge + 1);
                    tokens.add(edge - 1);
                }
            }
            Map<Key, Long> stored = new TreeMap<>();
            for (long token : tokens) {
                Siblings state = state("v" + random.nextInt(1_000));
                engine.update(key(token), current -> current.merge(state, NO_PRUNING));
                stored.put(key(token), token);
            }
            return stored;
        }
    }

    private final Store store = new Store();
    private final MemoryEngine engine = store.engine;
    private final MemoryHintStore hints = store.hints;

    private static Key key(long token) {
        return Key.of("t" + token);
    }

    /** A value written by actor "w-<value>", so different values are concurrent siblings. */
    private static Siblings state(String value) {
        return Siblings.EMPTY.write(issuer(actor("w-" + value)), CausalContext.EMPTY, Optional.of(bytes(value)), 1_000, NO_PRUNING).state();
    }

    private StorageResult run(StorageOp op) {
        return store.run(op);
    }

    // ---- StreamScan (range transfers) ----

    @Test
    void aTransferReadsEveryKeyOfItsRangesOnceRangeByRangeAcrossBatches() {
        List<TokenRange> ranges = List.of(new TokenRange(1_000, 2_000), new TokenRange(-500, 0), new TokenRange(5_000, 5_001));
        Map<Key, Long> stored = store.storeKeys(new java.util.SplittableRandom(42), ranges);
        List<Key> expected = new ArrayList<>();
        for (TokenRange range : ranges) {
            stored.entrySet().stream().filter(e -> range.contains(e.getValue())).map(Map.Entry::getKey).sorted().forEach(expected::add);
        }
        List<Key> received = new ArrayList<>();
        List<TokenRange> left = ranges;
        Optional<Key> after = Optional.empty();
        for (int batches = 0; !left.isEmpty(); batches++) {
            assertTrue(batches < 100, "a transfer always makes progress");
            StorageResult.Streamed batch = (StorageResult.Streamed) run(new StorageOp.StreamScan(left, after, 1));
            batch.entries().forEach(entry -> received.add(entry.key()));
            long stillToCome = expected.size() - received.size();
            assertEquals(stillToCome, batch.keysLeft(), "keys left after " + received.size());
            left = left.subList(batch.rangesDone(), left.size());
            after = batch.resumeAfter();
        }
        assertEquals(expected, received, "every key once, range by range in key order");
    }

    // ---- MergeAll ----

    @Test
    void mergeAllMergesEveryStateAndCountsTheKeysThatChanged() {
        Siblings old = state("old");
        Siblings newer = old.write(issuer(actor("w-old")), old.context(), Optional.of(bytes("newer")), 2_000, NO_PRUNING).state();
        engine.update(key(1), current -> newer);
        engine.update(key(2), current -> state("two"));

        StorageResult result = run(new StorageOp.MergeAll(List.of(
                new KeyState(key(1), old),              // already covered: no change
                new KeyState(key(2), state("two")),     // equal: no change
                new KeyState(key(2), state("rival")),   // concurrent: a sibling more
                new KeyState(key(3), state("three")),   // new key
                new KeyState(key(4), Siblings.EMPTY)),  // nothing to merge
                NO_PRUNING));

        assertEquals(new StorageResult.Merged(2), result);
        assertEquals(newer, engine.get(key(1)));
        assertEquals(state("two").merge(state("rival"), NO_PRUNING), engine.get(key(2)));
        assertEquals(state("three"), engine.get(key(3)));
        assertEquals(Siblings.EMPTY, engine.get(key(4)));
        assertEquals(3, engine.size(), "the empty state is not stored");
    }

    @Test
    void mergeAllOfNothingChangesNothing() {
        assertEquals(new StorageResult.Merged(0), run(new StorageOp.MergeAll(List.of(), NO_PRUNING)));
    }

    // ---- hints ----

    private Hint hint(NodeId owner, long token) {
        return new Hint(owner, key(token), state("h" + token));
    }

    private static long size(Hint hint) {
        return StorageOp.sizeOf(hint.key(), hint.state());
    }

    @Test
    void storeHintIsRefusedWhenTheOwnersQueueIsFull() {
        for (int i = 0; i < 4; i++) {
            assertEquals(new StorageResult.HintStored(true), run(new StorageOp.StoreHint(hint(OWNER, i))));
        }

        assertEquals(new StorageResult.HintStored(false), run(new StorageOp.StoreHint(hint(OWNER, 4))));
        assertEquals(new StorageResult.HintStored(true), run(new StorageOp.StoreHint(hint(OTHER, 4))), "the cap is per owner");
        assertEquals(4, hints.count(OWNER));
    }

    @Test
    void loadHintsReturnsTheOwnersOldestHintsUpToTheMaximumCount() {
        List<Hint> stored = List.of(hint(OWNER, 10), hint(OWNER, 11), hint(OWNER, 12));
        stored.forEach(hints::append);
        hints.append(hint(OTHER, 99));

        List<Hints.Entry> two = loaded(new StorageOp.LoadHints(OWNER, 2, Long.MAX_VALUE));
        List<Hints.Entry> all = loaded(new StorageOp.LoadHints(OWNER, 10, Long.MAX_VALUE));

        assertEquals(stored.subList(0, 2), two.stream().map(Hints.Entry::hint).toList());
        assertEquals(stored, all.stream().map(Hints.Entry::hint).toList(), "oldest first, only the owner's");
        assertEquals(List.of(), loaded(new StorageOp.LoadHints(NodeId.of("node-z"), 10, Long.MAX_VALUE)));
    }

    @Test
    void loadHintsStopsAtTheByteBoundButReturnsAtLeastOne() {
        List<Hint> stored = List.of(hint(OWNER, 10), hint(OWNER, 11), hint(OWNER, 12));
        stored.forEach(hints::append);
        long firstTwo = size(stored.get(0)) + size(stored.get(1));

        assertEquals(2, loaded(new StorageOp.LoadHints(OWNER, 10, firstTwo)).size(), "exactly at the bound");
        assertEquals(1, loaded(new StorageOp.LoadHints(OWNER, 10, firstTwo - 1)).size(), "one byte short of two");
        assertEquals(List.of(stored.get(0)), loaded(new StorageOp.LoadHints(OWNER, 10, 1)).stream().map(Hints.Entry::hint).toList(),
                "a bound smaller than the first hint still returns it, so a large hint is not stuck forever");
    }

    @Test
    void deleteHintsDeletesExactlyTheGivenIds() {
        List.of(hint(OWNER, 10), hint(OWNER, 11), hint(OWNER, 12)).forEach(hints::append);
        List<Hints.Entry> entries = loaded(new StorageOp.LoadHints(OWNER, 10, Long.MAX_VALUE));

        assertEquals(new StorageResult.Done(), run(new StorageOp.DeleteHints(OWNER, List.of(entries.get(0).id(), entries.get(2).id()))));

        assertEquals(List.of(entries.get(1)), loaded(new StorageOp.LoadHints(OWNER, 10, Long.MAX_VALUE)));
    }

    private List<Hints.Entry> loaded(StorageOp.LoadHints op) {
        return ((StorageResult.HintsLoaded) run(op)).entries();
    }

    // ---- BuildTrees and Scan over random keys and ranges ----

    /** Two disjoint ranges between four random tokens, one of them wrapping past the end of the ring half of the time. */
    private static List<TokenRange> twoDisjointRanges(RandomGenerator random) {
        long[] t = {random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()};
        Arrays.sort(t);
        return random.nextBoolean()
                ? List.of(new TokenRange(t[0], t[1]), new TokenRange(t[2], t[3]))
                : List.of(new TokenRange(t[1], t[2]), new TokenRange(t[3], t[0]));
    }

    @Test
    void buildTreesOfTwoDisjointRangesEqualsTreesBuiltFromTheKeysInEach() {
        Seeds.forEach(0x7EE5_0001L, 200, (seed, random) -> {
            Store test = new Store();
            MemoryEngine fresh = test.engine;
            List<TokenRange> ranges = twoDisjointRanges(random);
            int depth = random.nextInt(MerkleTree.DEFAULT_DEPTH + 1);
            Map<Key, Long> stored = test.storeKeys(random, ranges);

            StorageResult result = test.run(new StorageOp.BuildTrees(ranges, depth));

            List<MerkleTree> expected = new ArrayList<>();
            long[] keys = {0};
            for (TokenRange range : ranges) {
                MerkleTree.Builder builder = MerkleTree.builder(range, depth);
                stored.forEach((key, token) -> {
                    if (range.contains(token)) {
                        builder.add(token, key, fresh.get(key));
                        keys[0]++;
                    }
                });
                expected.add(builder.build());
            }
            assertEquals(new StorageResult.Trees(expected, keys[0]), result, "ranges " + ranges + " depth " + depth);
        });
    }

    @Test
    void digestsListTheEntryHashesOfExactlyTheKeysOfEachRangeInKeyOrder() {
        Seeds.forEach(0x5CA4_0001L, 200, (seed, random) -> {
            Store test = new Store();
            List<TokenRange> ranges = twoDisjointRanges(random);
            Map<Key, Long> stored = test.storeKeys(random, ranges);

            StorageResult.Digested digested = (StorageResult.Digested) test.run(new StorageOp.Digests(ranges, RecentWrites.NONE));

            EntryHasher hasher = new EntryHasher();
            List<List<KeyHash>> expected = new ArrayList<>();
            for (TokenRange range : ranges) {
                List<KeyHash> hashes = new ArrayList<>();
                stored.forEach((key, token) -> { // a TreeMap: in key order
                    if (range.contains(token)) {
                        MerkleHash entry = hasher.entry(key, test.engine.get(key));
                        hashes.add(new KeyHash(key, entry.high(), entry.low()));
                    }
                });
                expected.add(hashes);
            }
            assertEquals(new StorageResult.Digested(expected), digested, "ranges " + ranges);
        });
    }

    @Test
    void digestsLeaveOutTheRecentKeys() {
        long wall = 1_700_000_000_000L;
        engine.update(key(1), current -> Siblings.EMPTY.write(issuer(actor("w")), CausalContext.EMPTY, Optional.of(bytes("new")),
                wall, NO_PRUNING).state());
        engine.update(key(2), current -> state("old"));

        StorageResult.Digested digested = (StorageResult.Digested) run(
                new StorageOp.Digests(List.of(TokenRange.FULL_RING), RecentWrites.around(wall, 5_000)));

        assertEquals(List.of(key(2)), digested.perRange().get(0).stream().map(KeyHash::key).toList());
    }

    @Test
    void readStatesStopsAtTheByteBoundAndSaysItIsIncomplete() {
        Seeds.forEach(0x5CA4_0002L, 200, (seed, random) -> {
            Store test = new Store();
            List<Key> keys = new ArrayList<>(test.storeKeys(random, List.of(TokenRange.FULL_RING)).keySet());
            List<KeyState> all = ((StorageResult.StatesRead) test.run(new StorageOp.ReadStates(keys, Long.MAX_VALUE))).entries();
            assertEquals(keys, all.stream().map(KeyState::key).toList(), "every key, in the order asked");
            long total = all.stream().mapToLong(entry -> StorageOp.sizeOf(entry.key(), entry.state())).sum();
            long bound = 1 + random.nextLong(total - 1);

            StorageResult.StatesRead cut = (StorageResult.StatesRead) test.run(new StorageOp.ReadStates(keys, bound));

            assertFalse(cut.complete(), "bound " + bound + " of " + total);
            assertFalse(cut.entries().isEmpty(), "at least one state");
            assertEquals(all.subList(0, cut.entries().size()), cut.entries(), "a prefix");
            long bytes = cut.entries().stream().mapToLong(entry -> StorageOp.sizeOf(entry.key(), entry.state())).sum();
            KeyState next = all.get(cut.entries().size());
            assertTrue(cut.entries().size() == 1 || bytes <= bound, bytes + " bytes over the bound " + bound);
            assertTrue(bytes + StorageOp.sizeOf(next.key(), next.state()) > bound, "the next state would have fitted");
            assertEquals(new StorageResult.StatesRead(all, true), test.run(new StorageOp.ReadStates(keys, total)), "exactly at the bound");
        });
    }

    @Test
    void readStatesSkipsKeysNotStoredAndDigestsOfEmptyRangesAreEmpty() {
        engine.update(key(500), current -> state("x"));

        assertEquals(new StorageResult.StatesRead(List.of(new KeyState(key(500), state("x"))), true),
                run(new StorageOp.ReadStates(List.of(key(7), key(500), key(8)), 1)));
        assertEquals(new StorageResult.Digested(List.of(List.of())),
                run(new StorageOp.Digests(List.of(new TokenRange(0, 100)), RecentWrites.NONE)));
        assertEquals(new StorageResult.Digested(List.of()), run(new StorageOp.Digests(List.of(), RecentWrites.NONE)));
    }

    // ---- engine failures ----

    // ---- startIfReady (the event loop's path) ----

    @Test
    void aReadyCoordinatedWriteIsVisibleAtOnceAndDoneWhenDurable() {
        CompletableFuture<Void> sync = new CompletableFuture<>();
        LocalStorage storage = new LocalStorage(new PendingSyncEngine(engine, sync), hints, TOKENIZER);
        List<StorageResult> visible = new ArrayList<>();

        CompletableFuture<StorageResult> done = StorageExecution.startIfReady(storage, new StorageOp.CoordinateWrite(key(1),
                actor("node-a"), 1, CausalContext.EMPTY, Optional.of(bytes("x")), 1_000, NO_PRUNING, KeyLimits.NONE), visible::add)
                .toCompletableFuture();

        assertEquals(1, visible.size());
        assertFalse(((StorageResult.Written) visible.get(0)).durable(), "replicated before its own sync");
        assertFalse(done.isDone());
        sync.complete(null);
        assertEquals(new StorageResult.Durable(), done.join());
    }

    @Test
    void aFailedSyncBecomesAFailedResultNamingTheKey() {
        CompletableFuture<Void> sync = new CompletableFuture<>();
        LocalStorage storage = new LocalStorage(new PendingSyncEngine(engine, sync), hints, TOKENIZER);

        CompletableFuture<StorageResult> done = StorageExecution.startIfReady(storage,
                new StorageOp.Merge(key(1), state("x"), NO_PRUNING), ignored -> { }).toCompletableFuture();
        sync.completeExceptionally(new UncheckedIOException("fsync failed", new IOException("disk gone")));

        assertEquals(new StorageResult.Failed("t1: fsync failed"), done.join());
    }

    @Test
    void onlyOneKeyOperationsTakeTheReadyPath() {
        engine.update(key(1), current -> state("x"));

        assertEquals(new StorageResult.Loaded(state("x")),
                StorageExecution.startIfReady(store.storage, new StorageOp.Read(key(1)), ignored -> { }).toCompletableFuture().join());
        assertEquals(null, StorageExecution.startIfReady(store.storage, new StorageOp.Digests(List.of(TokenRange.FULL_RING),
                RecentWrites.NONE), ignored -> { }));
        assertEquals(null, StorageExecution.startIfReady(store.storage, new StorageOp.ReadStates(List.of(key(1)), 100), ignored -> { }));
        assertEquals(null, StorageExecution.startIfReady(store.storage,
                new StorageOp.MergeAll(List.of(new KeyState(key(2), state("y"))), NO_PRUNING), ignored -> { }));
    }

    /** A memory engine whose ready writes become durable only when the test completes {@code sync}. */
    private record PendingSyncEngine(MemoryEngine delegate, CompletableFuture<Void> sync) implements StorageEngine {
        @Override
        public Siblings get(Key key) {
            return delegate.get(key);
        }

        @Override
        public Siblings update(Key key, UnaryOperator<Siblings> change) {
            return delegate.update(key, change);
        }

        @Override
        public Siblings getIfReady(Key key) {
            return delegate.get(key);
        }

        @Override
        public Deferred updateIfReady(Key key, UnaryOperator<Siblings> change) {
            return new Deferred(delegate.update(key, change), sync::join, () -> sync);
        }

        @Override
        public void scan(TokenRange range, BiConsumer<Key, Siblings> visitor) {
            delegate.scan(range, visitor);
        }

        @Override
        public void scan(LongPredicate tokens, BiConsumer<Key, Siblings> visitor) {
            delegate.scan(tokens, visitor);
        }

        @Override
        public void forEachDigest(LongPredicate tokens, DigestVisitor visitor) {
            delegate.forEachDigest(tokens, visitor);
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void anEngineFailureBecomesAFailedResultNamingTheOperation() {
        LocalStorage failing = new LocalStorage(new FailingEngine(), new MemoryHintStore(1), TOKENIZER);
        List<TokenRange> ranges = List.of(TokenRange.FULL_RING);

        assertEquals(new StorageResult.Failed("merging 1 states: java.io.IOException: disk gone"),
                StorageExecution.execute(failing, new StorageOp.MergeAll(List.of(new KeyState(key(1), state("x"))), NO_PRUNING)));
        assertEquals(new StorageResult.Failed("Merkle trees of 1 ranges: java.io.IOException: disk gone"),
                StorageExecution.execute(failing, new StorageOp.BuildTrees(ranges, 2)));
        assertEquals(new StorageResult.Failed("key hashes of 1 ranges: java.io.IOException: disk gone"),
                StorageExecution.execute(failing, new StorageOp.Digests(ranges, RecentWrites.NONE)));
        assertEquals(new StorageResult.Failed("reading 1 states: java.io.IOException: disk gone"),
                StorageExecution.execute(failing, new StorageOp.ReadStates(List.of(key(1)), 100)));
    }

    /** An engine whose disk is gone: every call fails as engines report I/O errors. */
    private static final class FailingEngine implements StorageEngine {
        private static UncheckedIOException gone() {
            return new UncheckedIOException(new IOException("disk gone"));
        }

        @Override
        public Siblings get(Key key) {
            throw gone();
        }

        @Override
        public Siblings update(Key key, UnaryOperator<Siblings> change) {
            throw gone();
        }

        @Override
        public Siblings getIfReady(Key key) {
            throw gone();
        }

        @Override
        public Deferred updateIfReady(Key key, UnaryOperator<Siblings> change) {
            throw gone();
        }

        @Override
        public void scan(TokenRange range, BiConsumer<Key, Siblings> visitor) {
            throw gone();
        }

        @Override
        public void scan(LongPredicate tokens, BiConsumer<Key, Siblings> visitor) {
            throw gone();
        }

        @Override
        public void forEachDigest(LongPredicate tokens, DigestVisitor visitor) {
            throw gone();
        }

        @Override
        public long size() {
            throw gone();
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public void close() {}
    }
}
