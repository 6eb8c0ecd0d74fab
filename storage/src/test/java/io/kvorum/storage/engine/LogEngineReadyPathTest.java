package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.StorageConfig.SyncPolicy;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When {@link LogEngine} takes the non-blocking path, when it declines, and its durability under {@code always}. */
class LogEngineReadyPathTest {
    private static final LogSettings CACHED = LogSettings.defaults().withCacheBytes(1 << 20);

    @TempDir
    Path temp;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<LogEngine> opened = new ArrayList<>();

    @AfterEach
    void closeOpened() {
        opened.forEach(LogEngine::close);
    }

    private LogEngine open(String name, LogSettings settings) {
        LogEngine engine = LogEngine.open(temp.resolve(name), StorageEngineContract::hashToken, settings,
                new LogEnvironment(scheduler, () -> 1_000));
        opened.add(engine);
        return engine;
    }

    private static Siblings written(Siblings current, String node, String value) {
        return current.write(new DotIssuer(new Actor(NodeId.of(node), 0)), CausalContext.EMPTY, Optional.of(Bytes.utf8(value)),
                1_000, Siblings.DEFAULT_MAX_ACTORS).state();
    }

    @Test
    void aCachedKeyIsWrittenAtOnceAndIsDurableOnlyAfterTheSyncTaskRan() {
        LogEngine engine = open("cached", CACHED);
        Key key = Key.of("k");
        engine.update(key, current -> written(current, "node-a", "x"));

        StorageEngine.Deferred deferred = engine.updateIfReady(key, current -> written(current, "node-b", "y"));

        assertNotNull(deferred, "cached state, free locks, room in the segment: ready");
        assertEquals(deferred.state(), engine.get(key), "readers see it before it is durable");
        CompletableFuture<Void> durable = deferred.durable().get().toCompletableFuture();
        assertFalse(durable.isDone(), "under always, durability waits for an fsync");
        scheduler.runQueued();
        assertTrue(durable.isDone());
        engine.close();

        assertEquals(deferred.state(), open("cached", CACHED).get(key), "and it survives a restart");
    }

    @Test
    void anAbsentKeyIsReady() {
        LogEngine engine = open("absent", CACHED);

        assertEquals(Siblings.EMPTY, engine.getIfReady(Key.of("new")));
        assertNotNull(engine.updateIfReady(Key.of("new"), current -> written(current, "node-a", "x")));
        assertEquals(1, engine.size());
    }

    @Test
    void aKeyWhoseStateIsOnlyOnDiskIsNotReadyAndIsLeftUnchanged() {
        LogEngine engine = open("uncached", CACHED.withCacheBytes(0));
        Key key = Key.of("k");
        Siblings stored = engine.update(key, current -> written(current, "node-a", "x"));

        assertNull(engine.getIfReady(key));
        assertNull(engine.updateIfReady(key, current -> written(current, "node-b", "y")));
        assertEquals(stored, engine.get(key));
    }

    @Test
    void aRemovalIsNotReady() {
        LogEngine engine = open("removal", CACHED);
        Key key = Key.of("k");
        engine.update(key, current -> written(current, "node-a", "x"));

        assertNull(engine.updateIfReady(key, current -> Siblings.EMPTY));
        assertEquals(1, engine.size());
    }

    @Test
    void anAppendThatNeedsANewSegmentIsNotReady() {
        LogEngine engine = open("full", CACHED.withSegmentBytes(4096));
        Key key = Key.of("k");
        engine.update(key, current -> written(current, "node-a", incompressible(3000, 1)));
        Siblings before = engine.get(key);

        assertNull(engine.updateIfReady(key, current -> written(current, "node-b", incompressible(3000, 2))),
                "sealing the full segment forces it: not on an event loop");
        assertEquals(before, engine.get(key));
    }

    @Test
    void aKeyLockedByAnotherWriterIsNotReady() throws Exception {
        LogEngine engine = open("locked", CACHED);
        Key key = Key.of("k");
        engine.update(key, current -> written(current, "node-a", "x"));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = new Thread(() -> engine.updateDeferred(key, current -> {
            inside.countDown();
            awaitQuietly(release);
            return written(current, "node-c", "z");
        }));
        writer.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));

        assertNull(engine.updateIfReady(key, current -> written(current, "node-b", "y")));

        release.countDown();
        writer.join(10_000);
        assertEquals(2, engine.get(key).siblings().size(), "only the other writer's change was made");
    }

    @Test
    void underIntervalAndNeverAReadyWriteIsDurableAtOnce() {
        for (SyncPolicy policy : List.of(SyncPolicy.INTERVAL, SyncPolicy.NEVER)) {
            LogEngine engine = open("policy-" + policy, CACHED.withSync(policy));

            StorageEngine.Deferred deferred = engine.updateIfReady(Key.of("k"), current -> written(current, "node-a", "x"));

            assertTrue(deferred.durable().get().toCompletableFuture().isDone(), policy + " promises no fsync per write");
        }
    }

    /** Seeded random letters: LZ4 cannot shrink them, so the record's size is known. */
    private static String incompressible(int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
