package io.kvorum.storage.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.SyncPolicy;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine contract on {@link LogEngine} (under {@code always}), plus what only a durable log does. */
class LogEngineTest extends StorageEngineContract {
    private static final long DAY_MILLIS = 86_400_000L;
    private static final LogSettings SMALL = LogSettings.defaults().withSegmentBytes(64 * 1024).withCacheBytes(1 << 20);

    @TempDir
    Path temp;
    private final AtomicInteger engines = new AtomicInteger();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<LogEngine> opened = new ArrayList<>();

    @Override
    protected StorageEngine newEngine(ToLongFunction<Key> tokenizer) {
        return LogEngine.open(temp.resolve("contract-" + engines.incrementAndGet()), tokenizer, SMALL,
                new LogEnvironment(scheduler, clock));
    }

    @AfterEach
    void closeOpened() {
        opened.forEach(LogEngine::close);
    }

    private LogEngine open(Path dir, LogSettings settings) {
        LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, settings, new LogEnvironment(scheduler, clock));
        opened.add(engine);
        return engine;
    }

    private static Siblings write(Siblings current, String node, Optional<String> value, long wallMillis) {
        DotIssuer issuer = new DotIssuer(new Actor(NodeId.of(node), 0));
        return current.write(issuer, CausalContext.EMPTY, value.map(Bytes::utf8), wallMillis, Siblings.DEFAULT_MAX_ACTORS).state();
    }

    /** A delete as clients make it: a tombstone whose context covers what was there. */
    private static Siblings delete(Siblings current, String node, long wallMillis) {
        DotIssuer issuer = new DotIssuer(new Actor(NodeId.of(node), 0));
        return current.write(issuer, current.context(), Optional.empty(), wallMillis, Siblings.DEFAULT_MAX_ACTORS).state();
    }

    @Test
    void isDurable() {
        assertTrue(newEngine().durable());
    }

    @Test
    void everyStateSurvivesARestartWithAndWithoutHintFiles() throws IOException {
        Path dir = temp.resolve("restart");
        LogEngine engine = open(dir, SMALL);
        List<Siblings> states = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int n = i;
            states.add(engine.update(Key.of("k" + i), c -> write(c, "node-a", Optional.of("value-" + n + "-".repeat(n % 50)), 1_000)));
        }
        engine.update(Key.of("k7"), c -> Siblings.EMPTY);
        engine.close();
        scheduler.runQueued(); // hint files of the sealed segments

        LogEngine reopened = open(dir, SMALL);
        assertStates(reopened, states);
        reopened.close();

        try (Stream<Path> files = Files.list(dir)) {
            for (Path hint : files.filter(p -> p.toString().endsWith(Segment.HINT_SUFFIX)).toList()) {
                Files.delete(hint);
            }
        }
        assertStates(open(dir, SMALL), states);
    }

    @Test
    void cachedStatesStayCachedWhenCompactionMovesTheirRecords() {
        LogEngine engine = open(temp.resolve("cache-moves"), SMALL);
        for (int i = 0; i < 200; i++) {
            int n = i;
            engine.update(Key.of("k" + (i % 50)), c -> write(c, "node-a", Optional.of("value-" + n), 1_000L + n));
        }
        engine.sealActive();
        scheduler.runQueued(); // the compaction the seal started: three quarters of the records are overwritten
        assertTrue(engine.compactNow());
        assertEquals(1, engine.stats().compactions());
        long misses = engine.stats().cacheMisses();

        for (int i = 0; i < 50; i++) {
            engine.get(Key.of("k" + i));
        }

        assertEquals(misses, engine.stats().cacheMisses(), "every moved key is still served from the cache");
    }

    @Test
    void digestsSurviveARestartAndFollowCompaction() {
        Path dir = temp.resolve("digests");
        LogEngine engine = open(dir, SMALL);
        for (int i = 0; i < 300; i++) {
            int n = i;
            engine.update(Key.of("k" + (i % 120)), c -> write(c, "node-a", Optional.of("value-" + n + "-".repeat(n % 50)), 1_000L * n + 999));
        }
        Map<Key, List<Long>> before = digests(engine); // also fills in every entry hash
        assertEquals(120, before.size());
        engine.sealActive();
        assertTrue(engine.compactNow());
        assertEquals(before, digests(engine), "compaction moves records, not their digests");
        engine.close();
        scheduler.runQueued();

        assertEquals(before, digests(open(dir, SMALL)), "times from the hint files, hashes recomputed");
    }

    @Test
    void hashingUncachedKeysLeavesTheCacheAndItsCountsAlone() {
        Path dir = temp.resolve("digests-uncached");
        LogEngine engine = open(dir, SMALL);
        for (int i = 0; i < 50; i++) {
            int n = i;
            engine.update(Key.of("k" + i), c -> write(c, "node-a", Optional.of("value-" + n), 1_000L + n));
        }
        engine.close();
        LogEngine reopened = open(dir, SMALL); // nothing cached, no hash known

        assertEquals(50, digests(reopened).size());

        assertEquals(0, reopened.stats().cacheHits() + reopened.stats().cacheMisses(), "background reads are not client reads");
        reopened.get(Key.of("k1"));
        assertEquals(1, reopened.stats().cacheMisses(), "the hashing cached nothing");
    }

    private static Map<Key, List<Long>> digests(LogEngine engine) {
        Map<Key, List<Long>> digests = new TreeMap<>();
        engine.forEachDigest(token -> true, (key, token, wall, high, low) -> digests.put(key, List.of(wall, high, low)));
        return digests;
    }

    private static void assertStates(LogEngine engine, List<Siblings> states) {
        assertEquals(states.size() - 1, engine.size());
        for (int i = 0; i < states.size(); i++) {
            assertEquals(i == 7 ? Siblings.EMPTY : states.get(i), engine.get(Key.of("k" + i)), "k" + i);
        }
    }

    @Test
    void compactionReclaimsOverwrittenRecordsAndKeepsTheNewest() {
        Path dir = temp.resolve("compact");
        LogEngine engine = open(dir, SMALL);
        for (int round = 0; round < 4; round++) {
            String node = "node-" + round;
            for (int i = 0; i < 300; i++) {
                engine.update(Key.of("k" + i), c -> write(Siblings.EMPTY, node, Optional.of("x".repeat(100)), 1_000));
            }
        }
        long before = engine.stats().diskBytes();
        engine.sealActive();

        scheduler.settle(20); // sealing found the segments due and started a paced background compaction
        engine.compactNow();

        LogStats after = engine.stats();
        assertTrue(after.compactions() >= 1, "compactions " + after);
        assertTrue(after.diskBytes() < before / 2, "disk " + before + " -> " + after.diskBytes());
        for (int i = 0; i < 300; i++) {
            assertEquals(write(Siblings.EMPTY, "node-3", Optional.of("x".repeat(100)), 1_000), engine.get(Key.of("k" + i)));
        }
        engine.close();
        LogEngine reopened = open(dir, SMALL);
        assertEquals(300, reopened.size());
        assertEquals(write(Siblings.EMPTY, "node-3", Optional.of("x".repeat(100)), 1_000), reopened.get(Key.of("k42")));
    }

    @Test
    void tombstonesOutliveTheirGraceAndNoLonger() {
        Path dir = temp.resolve("grace");
        LogSettings settings = SMALL.withTombstoneGraceMillis(10 * DAY_MILLIS);
        LogEngine engine = open(dir, settings);
        long now = clock.getAsLong();
        for (int i = 0; i < 200; i++) {
            engine.update(Key.of("k" + i), c -> write(c, "node-a", Optional.of("v"), now));
            if (i % 2 == 0) {
                engine.update(Key.of("k" + i), c -> delete(c, "node-a", now));
            }
        }
        engine.sealActive();
        scheduler.settle(20);

        clock.advance(9 * DAY_MILLIS);
        engine.compactNow();
        assertEquals(200, engine.size(), "within the grace period every tombstone stays");
        assertFalse(engine.get(Key.of("k0")).hasLiveValue());
        assertFalse(engine.get(Key.of("k0")).siblings().isEmpty());

        clock.advance(2 * DAY_MILLIS);
        engine.compactNow();
        assertEquals(100, engine.size(), "past it, tombstone-only states are dropped");
        assertEquals(Siblings.EMPTY, engine.get(Key.of("k0")));
        assertTrue(engine.get(Key.of("k1")).hasLiveValue());
        engine.close();

        LogEngine reopened = open(dir, settings);
        assertEquals(100, reopened.size(), "and they stay dropped after a restart");
        assertEquals(Siblings.EMPTY, reopened.get(Key.of("k0")));
    }

    @Test
    void droppedTombstoneDoesNotResurrectAnOlderValueInAnUncompactedSegment() {
        Path dir = temp.resolve("resurrect");
        LogSettings settings = SMALL.withTombstoneGraceMillis(DAY_MILLIS).withCompaction(1 << 20, 100);
        LogEngine engine = open(dir, settings);
        long now = clock.getAsLong();
        engine.update(Key.of("old"), c -> write(c, "node-a", Optional.of("value"), now));
        engine.update(Key.of("filler"), c -> write(c, "node-a", Optional.of("y".repeat(1000)), now));
        engine.sealActive(); // segment 1: "old" with a value, never due (nothing dead)
        engine.update(Key.of("old"), c -> delete(c, "node-a", now));
        engine.sealActive(); // segment 2: the tombstone-only state
        scheduler.settle(20);
        clock.advance(2 * DAY_MILLIS);

        engine.compactNow();

        assertEquals(Siblings.EMPTY, engine.get(Key.of("old")));
        engine.close();
        assertEquals(Siblings.EMPTY, open(dir, settings).get(Key.of("old")), "the older value must not come back");
    }

    @Test
    void readsAreCachedAndAWriteReplacesTheCachedState() {
        LogEngine engine = open(temp.resolve("cache"), SMALL);
        engine.update(Key.of("k"), c -> write(c, "node-a", Optional.of("one"), 1_000));
        engine.close();
        LogEngine reopened = open(temp.resolve("cache"), SMALL);

        Siblings first = reopened.get(Key.of("k"));
        Siblings second = reopened.get(Key.of("k"));
        Siblings written = reopened.update(Key.of("k"), c -> write(c, "node-b", Optional.of("two"), 2_000));

        assertEquals(first, second);
        assertEquals(written, reopened.get(Key.of("k")));
        assertEquals(3, reopened.stats().cacheHits(), "the second read, the update's own read, the read after the write");
        assertEquals(1, reopened.stats().cacheMisses(), "the first read");
    }

    @Test
    void largeValuesAreCompressedAndReadBackWhole() throws IOException {
        Path dir = temp.resolve("lz4");
        LogEngine engine = open(dir, SMALL.withSegmentBytes(1 << 20));
        String value = "{\"name\":\"kvorum\",\"list\":[1,2,3]}".repeat(2000);

        Siblings stored = engine.update(Key.of("big"), c -> write(c, "node-a", Optional.of(value), 1_000));
        engine.close();

        assertTrue(directoryBytes(dir) < value.length() / 4, "compressed to " + directoryBytes(dir));
        assertEquals(stored, open(dir, SMALL).get(Key.of("big")));
    }

    private static long directoryBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(Segment.LOG_SUFFIX)).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void concurrentWritersUnderAlwaysShareFsyncs() throws InterruptedException {
        LogEngine engine = open(temp.resolve("group"), SMALL.withSegmentBytes(1 << 20));
        int threads = 16;
        int writes = 50;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String node = "node-" + t;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < writes; i++) {
                    engine.update(Key.of(node + "/" + i), c -> write(c, node, Optional.of("v"), 1_000));
                }
            }));
        }
        for (Thread w : writers) {
            w.join();
        }

        assertEquals(threads * writes, engine.size());
        assertTrue(engine.stats().fsyncs() < threads * writes, "fsyncs " + engine.stats().fsyncs());
    }

    @Test
    void intervalPolicySyncsOnTheSchedulersTimer() {
        LogEngine engine = open(temp.resolve("interval"), SMALL.withSync(SyncPolicy.INTERVAL));
        engine.update(Key.of("k"), c -> write(c, "node-a", Optional.of("v"), 1_000));
        assertEquals(0, engine.stats().fsyncs(), "an interval write does not wait for an fsync");

        scheduler.runQueued();

        assertEquals(1, engine.stats().fsyncs());
    }

    @Test
    void backgroundCompactionIsSafeUnderConcurrentReadsAndWrites() throws Exception {
        try (ThreadScheduler threads = new ThreadScheduler()) {
            LogSettings settings = SMALL.withSegmentBytes(32 * 1024).withSync(SyncPolicy.NEVER).withCompaction(1 << 30, 30);
            LogEngine engine = LogEngine.open(temp.resolve("background"), StorageEngineContract::hashToken, settings,
                    new LogEnvironment(threads, clock));
            opened.add(engine);
            int keys = 200;
            for (int round = 0; round < 30; round++) {
                String node = "node-" + (round % 3);
                for (int i = 0; i < keys; i++) {
                    int r = round;
                    Siblings state = engine.update(Key.of("k" + i), c -> write(Siblings.EMPTY, node, Optional.of("round-" + r + "x".repeat(80)), r));
                    assertEquals(state, engine.get(Key.of("k" + i)));
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> engine.stats().compactions() > 0);
            for (int i = 0; i < keys; i++) {
                assertEquals(write(Siblings.EMPTY, "node-2", Optional.of("round-29" + "x".repeat(80)), 29), engine.get(Key.of("k" + i)));
            }
            assertEquals(keys, engine.size());
        }
    }
}
