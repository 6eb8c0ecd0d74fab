package io.kvorum.storage.hint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.storage.engine.LogEnvironment;
import io.kvorum.storage.engine.LogSettings;
import io.kvorum.storage.engine.LogStore;
import io.kvorum.storage.engine.ManualScheduler;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hints contract on the durable {@link HintStore}, and what it keeps across a restart. */
class HintStoreTest extends HintsContract {
    @TempDir
    Path dir;
    private final ManualScheduler scheduler = new ManualScheduler();
    private int stores;

    @Override
    protected Hints newHints(int capPerOwner) {
        return new HintStore(openLog(dir.resolve("store-" + stores++)), capPerOwner);
    }

    /** The log under {@code logDir}, with the {@code always} sync policy of the defaults. */
    private LogStore openLog(Path logDir) {
        return LogStore.open(logDir, LogSettings.defaults().withSegmentBytes(4096), new LogEnvironment(scheduler, () -> 1));
    }

    private HintStore reopen(int capPerOwner) {
        return new HintStore(openLog(dir.resolve("restarted")), capPerOwner);
    }

    @Test
    void hintsSurviveARestartInOrder() {
        try (HintStore store = reopen(100)) {
            assertTrue(store.append(hint(B, "k1", "one")));
            assertTrue(store.append(hint(C, "k2", "two")));
            assertTrue(store.append(hint(B, "k3", "three")));
        }
        try (HintStore store = reopen(100)) {
            assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k3", "three")), hintsOf(store.hintsFor(B, 10)));
            assertEquals(List.of(hint(C, "k2", "two")), hintsOf(store.hintsFor(C, 10)));
            assertEquals(2, store.count(B));
            assertEquals(1, store.count(C));
            assertEquals(3, store.total());
            assertEquals(List.of(B, C), store.owners());
        }
    }

    @Test
    void idsKeepGrowingAfterARestart() {
        long newest;
        try (HintStore store = reopen(100)) {
            store.append(hint(B, "k1", "one"));
            store.append(hint(C, "k2", "two"));
            newest = store.hintsFor(C, 10).get(0).id();
        }
        try (HintStore store = reopen(100)) {
            store.append(hint(B, "k3", "three"));

            List<Hints.Entry> forB = store.hintsFor(B, 10);
            assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k3", "three")), hintsOf(forB));
            assertTrue(forB.get(1).id() > newest, "an id is never reused after a restart");
        }
    }

    @Test
    void deletedHintsStayDeletedAfterARestart() {
        try (HintStore store = reopen(100)) {
            for (int i = 1; i <= 4; i++) {
                store.append(hint(B, "k" + i, "v" + i));
            }
            List<Long> ids = idsOf(store.hintsFor(B, 10));
            store.delete(B, List.of(ids.get(0), ids.get(1), ids.get(3), ids.get(3) + 100));
        }
        try (HintStore store = reopen(100)) {
            assertEquals(List.of(hint(B, "k3", "v3")), hintsOf(store.hintsFor(B, 10)));
            assertEquals(1, store.total());
        }
    }

    @Test
    void theCapCountsHintsFoundOnRestart() {
        try (HintStore store = reopen(100)) {
            store.append(hint(B, "k1", "one"));
            store.append(hint(B, "k2", "two"));
            store.append(hint(B, "k3", "three"));
        }
        try (HintStore store = reopen(2)) {
            assertEquals(3, store.count(B), "hints above a lowered cap are kept, not dropped");
            assertFalse(store.append(hint(B, "k4", "four")));
            store.delete(B, idsOf(store.hintsFor(B, 2)));
            assertTrue(store.append(hint(B, "k4", "four")));
        }
    }

    @Test
    void deletingABatchWaitsForOneFsync() {
        LogStore log = openLog(dir.resolve("batch"));
        try (HintStore store = new HintStore(log, 100)) {
            for (int i = 0; i < 10; i++) {
                store.append(hint(B, "k" + i, "v"));
            }
            long fsyncs = log.stats().fsyncs();

            store.delete(B, idsOf(store.hintsFor(B, 10)));

            assertEquals(fsyncs + 1, log.stats().fsyncs());
            assertEquals(0, store.total());
        }
    }
}
