package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Dot;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StorageEngine} shares. An engine's test extends this class and says
 * how to build the engine; engines are closed after each test.
 */
public abstract class StorageEngineContract {
    private static final int MAX_ACTORS = Siblings.DEFAULT_MAX_ACTORS;
    private static final String TOKEN_PREFIX = "token:";
    private final List<StorageEngine> opened = new ArrayList<>();

    /** A new, empty engine that places keys on the ring with {@code tokenizer}. */
    protected abstract StorageEngine newEngine(ToLongFunction<Key> tokenizer);

    /** A new, empty engine with the {@link #hashToken hash} tokenizer. */
    protected final StorageEngine newEngine() {
        return open(StorageEngineContract::hashToken);
    }

    @AfterEach
    final void closeEngines() {
        opened.forEach(StorageEngine::close);
    }

    private StorageEngine open(ToLongFunction<Key> tokenizer) {
        StorageEngine engine = newEngine(tokenizer);
        opened.add(engine);
        return engine;
    }

    /** FNV-1a over the key bytes: deterministic, and spread over the whole ring. */
    protected static long hashToken(Key key) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < key.utf8().length(); i++) {
            hash = (hash ^ (key.utf8().at(i) & 0xFF)) * 0x100000001b3L;
        }
        return hash;
    }

    /** An engine on which the key {@code "token:<n>/<name>"} sits at token n: scans with chosen placements. */
    private StorageEngine placedEngine() {
        return open(key -> Long.parseLong(key.text().substring(TOKEN_PREFIX.length(), key.text().indexOf('/'))));
    }

    private static Key keyAt(long token, String name) {
        return Key.of(TOKEN_PREFIX + token + "/" + name);
    }

    private static Siblings written(Siblings state, String node, String value) {
        Actor actor = new Actor(NodeId.of(node), 0);
        return state.write(new DotIssuer(actor), CausalContext.EMPTY, Optional.of(Bytes.utf8(value)), 1_000, MAX_ACTORS).state();
    }

    private static Siblings stateOf(String value) {
        return written(Siblings.EMPTY, "node-a", value);
    }

    // ---- get and update ----

    @Test
    void absentKeyReadsEmpty() {
        StorageEngine engine = newEngine();

        assertEquals(Siblings.EMPTY, engine.get(Key.of("absent")));
        assertEquals(0, engine.size());
    }

    @Test
    void updateReturnsAndStoresTheNewState() {
        StorageEngine engine = newEngine();
        Siblings state = stateOf("x");

        assertEquals(state, engine.update(Key.of("k"), current -> state));
        assertEquals(state, engine.get(Key.of("k")));
        assertEquals(1, engine.size());
    }

    @Test
    void updateIsGivenTheStoredState() {
        StorageEngine engine = newEngine();
        engine.update(Key.of("k"), current -> written(current, "node-a", "x"));

        Siblings both = engine.update(Key.of("k"), current -> written(current, "node-b", "y"));

        assertEquals(2, both.siblings().size());
        assertEquals(both, engine.get(Key.of("k")));
    }

    @Test
    void updateOfAnAbsentKeyStartsFromEmpty() {
        StorageEngine engine = newEngine();
        List<Siblings> seen = new ArrayList<>();

        engine.update(Key.of("k"), current -> {
            seen.add(current);
            return current;
        });

        assertTrue(seen.stream().allMatch(Siblings.EMPTY::equals), "saw " + seen);
        assertEquals(0, engine.size(), "EMPTY is never stored");
    }

    // ---- the non-blocking path (an engine may always decline it with null) ----

    @Test
    void getIfReadyAgreesWithGetWhenItAnswers() {
        StorageEngine engine = newEngine();
        Siblings state = stateOf("x");
        engine.update(Key.of("k"), current -> state);

        assertEquals(Siblings.EMPTY, engine.getIfReady(Key.of("absent")), "an absent key needs no disk");
        Siblings ready = engine.getIfReady(Key.of("k"));
        assertTrue(ready == null || ready.equals(state), "got " + ready);
    }

    @Test
    void updateIfReadyChangesLikeUpdateOrNotAtAll() {
        StorageEngine engine = newEngine();
        engine.update(Key.of("k"), current -> written(current, "node-a", "x"));

        StorageEngine.Deferred deferred = engine.updateIfReady(Key.of("k"), current -> written(current, "node-b", "y"));

        if (deferred == null) {
            assertEquals(1, engine.get(Key.of("k")).siblings().size(), "declined, so nothing changed");
        } else {
            assertEquals(2, deferred.state().siblings().size());
            assertEquals(deferred.state(), engine.get(Key.of("k")));
            deferred.awaitDurable().run();
        }
    }

    @Test
    void updateToEmptyRemovesTheKey() {
        StorageEngine engine = newEngine();
        engine.update(Key.of("k"), current -> stateOf("x"));
        engine.update(Key.of("other"), current -> stateOf("y"));

        assertEquals(Siblings.EMPTY, engine.update(Key.of("k"), current -> Siblings.EMPTY));

        assertEquals(Siblings.EMPTY, engine.get(Key.of("k")));
        assertEquals(1, engine.size());
        assertEquals(List.of(Key.of("other")), scanKeys(engine, TokenRange.FULL_RING));
    }

    @Test
    void stateWithAContextButNoSiblingsIsStored() {
        StorageEngine engine = newEngine();
        Siblings forgotten = new Siblings(stateOf("x").context(), List.of());

        engine.update(Key.of("k"), current -> forgotten);

        assertEquals(forgotten, engine.get(Key.of("k")));
        assertEquals(1, engine.size());
    }

    @Test
    void keysAreDistinctEvenAtTheSameToken() {
        StorageEngine engine = open(key -> 42L);

        engine.update(Key.of("a"), current -> stateOf("x"));
        engine.update(Key.of("b"), current -> stateOf("y"));

        assertEquals(stateOf("x"), engine.get(Key.of("a")));
        assertEquals(stateOf("y"), engine.get(Key.of("b")));
        assertEquals(2, engine.size());
    }

    // ---- concurrency ----

    @Test
    void concurrentUpdatesOfOneKeyLoseNone() throws InterruptedException {
        StorageEngine engine = newEngine();
        int threads = 8;
        int writesPerThread = 200;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String node = "node-" + t;
            writers.add(Thread.ofPlatform().start(() -> blindWrites(engine, node, writesPerThread, start, failures)));
        }
        start.countDown();
        for (Thread writer : writers) {
            writer.join();
        }

        assertTrue(failures.isEmpty(), "writers failed: " + failures);
        assertEquals(threads * writesPerThread, engine.get(Key.of("hot")).siblings().size());
        assertEveryActorWroteCounters(engine.get(Key.of("hot")), writesPerThread);
    }

    private static void blindWrites(StorageEngine engine, String node, int count, CountDownLatch start,
                                    ConcurrentLinkedQueue<Throwable> failures) {
        try {
            start.await();
            for (int i = 0; i < count; i++) {
                String value = node + "/" + i;
                engine.update(Key.of("hot"), current -> written(current, node, value));
            }
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            failures.add(e);
        }
    }

    private static void assertEveryActorWroteCounters(Siblings state, int counterMax) {
        TreeMap<Actor, TreeSet<Long>> counters = new TreeMap<>();
        for (Sibling s : state.siblings()) {
            Dot dot = s.dot();
            counters.computeIfAbsent(dot.actor(), a -> new TreeSet<>()).add(dot.counter());
        }
        counters.forEach((actor, seen) -> assertEquals(counterMax, seen.size(), "dots of " + actor));
    }

    // ---- scan ----

    @Test
    void scanOfARangeVisitsTokensAfterStartUpToEnd() {
        StorageEngine engine = placedEngine();
        for (long token : new long[] {9, 10, 11, 19, 20, 21}) {
            engine.update(keyAt(token, "k"), current -> stateOf("v"));
        }

        assertEquals(keys(11, 19, 20), scanKeys(engine, new TokenRange(10, 20)));
    }

    @Test
    void scanOfAWrappingRangeVisitsBothEnds() {
        StorageEngine engine = placedEngine();
        for (long token : new long[] {Long.MIN_VALUE, -5, 0, 5, 100, Long.MAX_VALUE}) {
            engine.update(keyAt(token, "k"), current -> stateOf("v"));
        }

        assertEquals(keys(Long.MIN_VALUE, -5, 100, Long.MAX_VALUE), scanKeys(engine, new TokenRange(5, -5)));
    }

    @Test
    void scanOfTheFullRingVisitsEveryKey() {
        StorageEngine engine = placedEngine();
        for (long token : new long[] {Long.MIN_VALUE, -5, 0, 5, Long.MAX_VALUE}) {
            engine.update(keyAt(token, "k"), current -> stateOf("v"));
        }
        List<Key> all = keys(Long.MIN_VALUE, -5, 0, 5, Long.MAX_VALUE);

        assertEquals(all, scanKeys(engine, TokenRange.FULL_RING));
        assertEquals(all, scanKeys(engine, new TokenRange(0, 0)), "start == end is the full ring too");
        assertEquals(all, scanKeys(engine, new TokenRange(Long.MAX_VALUE, Long.MAX_VALUE)));
    }

    @Test
    void scanHandlesTheExtremeTokens() {
        StorageEngine engine = placedEngine();
        engine.update(keyAt(Long.MIN_VALUE, "k"), current -> stateOf("v"));
        engine.update(keyAt(Long.MAX_VALUE, "k"), current -> stateOf("v"));

        assertEquals(keys(Long.MAX_VALUE), scanKeys(engine, new TokenRange(Long.MIN_VALUE, Long.MAX_VALUE)));
        assertEquals(keys(Long.MIN_VALUE), scanKeys(engine, new TokenRange(Long.MAX_VALUE, Long.MIN_VALUE)));
        assertEquals(keys(Long.MIN_VALUE), scanKeys(engine, new TokenRange(Long.MAX_VALUE, 0)));
        assertEquals(keys(Long.MAX_VALUE), scanKeys(engine, new TokenRange(0, Long.MAX_VALUE)));
        assertEquals(keys(), scanKeys(engine, new TokenRange(Long.MIN_VALUE, 0)));
    }

    @Test
    void scanVisitsEveryKeyAtABoundaryToken() {
        StorageEngine engine = placedEngine();
        for (String name : new String[] {"a", "b", "c"}) {
            engine.update(keyAt(20, name), current -> stateOf(name));
        }

        assertEquals(3, scanKeys(engine, new TokenRange(19, 20)).size());
        assertEquals(0, scanKeys(engine, new TokenRange(20, 30)).size());
    }

    @Test
    void scanGivesTheStoredStates() {
        StorageEngine engine = placedEngine();
        engine.update(keyAt(1, "k"), current -> stateOf("v"));
        List<Siblings> visited = new ArrayList<>();

        engine.scan(TokenRange.FULL_RING, (key, state) -> visited.add(state));

        assertEquals(List.of(stateOf("v")), visited);
    }

    @Test
    void scanByTokenPredicateVisitsExactlyTheKeysWhoseTokensPass() {
        StorageEngine engine = placedEngine();
        for (long token : new long[] {Long.MIN_VALUE, -7, 0, 5, 9, Long.MAX_VALUE}) {
            engine.update(keyAt(token, "k"), current -> stateOf("v" + token));
        }
        Map<Key, Siblings> visited = new TreeMap<>();

        engine.scan(token -> token == -7 || token == 9 || token == Long.MAX_VALUE, visited::put);

        assertEquals(Map.of(keyAt(-7, "k"), stateOf("v-7"), keyAt(9, "k"), stateOf("v9"),
                keyAt(Long.MAX_VALUE, "k"), stateOf("v" + Long.MAX_VALUE)), visited);
    }

    @Test
    void digestsAreTheEntryHashesAndTimesOfTheStoredStatesAfterWritesAndRemovals() {
        Seeds.forEach(0xE9_0002L, 10, (seed, random) -> {
            StorageEngine engine = newEngine();
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < 60; i++) {
                    Key key = Key.of("k" + random.nextInt(40));
                    long wall = random.nextLong(0, 2_000_000_000_000L);
                    String value = "v" + random.nextInt();
                    engine.update(key, current -> random.nextInt(8) == 0
                            ? Siblings.EMPTY
                            : current.write(new DotIssuer(new Actor(NodeId.of("node-" + random.nextInt(3)), 0)), current.context(),
                                    Optional.of(Bytes.utf8(value)), wall, MAX_ACTORS).state());
                }
                assertDigestsMatchStates(engine, token -> token % 3 != 0); // some keys left out, their hashes still unknown
                assertDigestsMatchStates(engine, token -> true);
            }
        });
    }

    /** What {@link StorageEngine#forEachDigest} gives equals hashing each state that {@code scan} gives (engines with the hash tokenizer). */
    private static void assertDigestsMatchStates(StorageEngine engine, java.util.function.LongPredicate tokens) {
        io.kvorum.storage.merkle.EntryHasher hasher = new io.kvorum.storage.merkle.EntryHasher();
        Map<Key, List<Long>> expected = new TreeMap<>();
        engine.scan(tokens, (key, state) -> {
            io.kvorum.storage.merkle.MerkleHash entry = hasher.entry(key, state);
            expected.put(key, List.of(hashToken(key), state.newestWallMillis() / 1000 * 1000, entry.high(), entry.low()));
        });
        Map<Key, List<Long>> digests = new TreeMap<>();
        engine.forEachDigest(tokens, (key, token, wall, high, low) -> assertEquals(null, digests.put(key, List.of(token, wall, high, low)), key + " twice"));
        assertEquals(expected, digests);
    }

    @Test
    void scanAgreesWithTokenRangeContainsOnRandomRanges() {
        Seeds.forEach(0xE9_0001L, 50, (seed, random) -> {
            StorageEngine engine = newEngine();
            List<Key> stored = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Key key = Key.of("key-" + random.nextInt(1_000_000));
                engine.update(key, current -> stateOf("v"));
                stored.add(key);
            }
            for (int i = 0; i < 20; i++) {
                TokenRange range = new TokenRange(randomToken(random, stored), randomToken(random, stored));
                List<Key> expected = stored.stream().filter(k -> range.contains(hashToken(k))).distinct().sorted().toList();
                assertEquals(expected, scanKeys(engine, range), "range " + range);
            }
        });
    }

    /** Often a stored key's token (to hit the boundaries), sometimes any token. */
    private static long randomToken(RandomGenerator random, List<Key> stored) {
        int choice = random.nextInt(4);
        if (choice == 0) {
            return random.nextLong();
        }
        long token = hashToken(stored.get(random.nextInt(stored.size())));
        return choice == 1 ? token : choice == 2 ? token - 1 : token + 1;
    }

    @Test
    void sizeCountsStoredKeys() {
        StorageEngine engine = newEngine();
        for (int i = 0; i < 10; i++) {
            engine.update(Key.of("k" + i), current -> stateOf("v"));
        }
        engine.update(Key.of("k3"), current -> stateOf("again"));

        assertEquals(10, engine.size());
    }

    private static List<Key> keys(long... tokens) {
        List<Key> keys = new ArrayList<>();
        for (long token : tokens) {
            keys.add(keyAt(token, "k"));
        }
        return keys.stream().sorted().toList();
    }

    /** The keys a scan visits, sorted (scans promise no order); fails on a key visited twice. */
    private static List<Key> scanKeys(StorageEngine engine, TokenRange range) {
        List<Key> visited = new ArrayList<>();
        engine.scan(range, (key, state) -> visited.add(key));
        assertEquals(visited.size(), new TreeSet<>(visited).size(), "a key visited twice: " + visited);
        return visited.stream().sorted().toList();
    }
}
