package io.kvorum.storage.hint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.storage.engine.LogEnvironment;
import io.kvorum.storage.engine.LogSettings;
import io.kvorum.storage.engine.LogStore;
import io.kvorum.storage.engine.ManualScheduler;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hints queue per owner, durably, in order, bounded, and go away once delivered. */
class HintStoreTest {
    private static final NodeId B = NodeId.of("node-b");
    private static final NodeId C = NodeId.of("node-c");

    @TempDir
    Path dir;
    private final ManualScheduler scheduler = new ManualScheduler();

    private HintStore open(int max) {
        return new HintStore(LogStore.open(dir, LogSettings.defaults().withSegmentBytes(4096), new LogEnvironment(scheduler, () -> 1)), max);
    }

    private static Hint hint(NodeId owner, String key, String value) {
        Siblings state = Siblings.EMPTY.write(new DotIssuer(new Actor(NodeId.of("node-a"), 0)), CausalContext.EMPTY,
                Optional.of(Bytes.utf8(value)), 5, 50).state();
        return new Hint(owner, Key.of(key), state);
    }

    @Test
    void hintsComeBackPerOwnerInOrderAndSurviveARestart() {
        try (HintStore store = open(100)) {
            assertTrue(store.append(hint(B, "k1", "one")));
            assertTrue(store.append(hint(C, "k2", "two")));
            assertTrue(store.append(hint(B, "k3", "three")));
        }
        try (HintStore store = open(100)) {
            List<HintStore.Entry> forB = store.hintsFor(B, 10);
            assertEquals(List.of(hint(B, "k1", "one"), hint(B, "k3", "three")), forB.stream().map(HintStore.Entry::hint).toList());
            assertEquals(2, store.count(B));
            assertEquals(1, store.count(C));
            assertEquals(List.of(B, C), store.owners());
            assertTrue(store.append(hint(B, "k4", "four")));
            assertTrue(store.hintsFor(B, 10).get(2).id() > forB.get(1).id(), "ids keep growing after a restart");
        }
    }

    @Test
    void deliveredHintsAreDeletedDurably() {
        try (HintStore store = open(100)) {
            store.append(hint(B, "k1", "one"));
            store.append(hint(B, "k2", "two"));
            store.delete(B, store.hintsFor(B, 1).get(0).id());
            assertEquals(1, store.count(B));
        }
        try (HintStore store = open(100)) {
            assertEquals(List.of(hint(B, "k2", "two")), store.hintsFor(B, 10).stream().map(HintStore.Entry::hint).toList());
            store.delete(B, store.hintsFor(B, 1).get(0).id());
            store.delete(B, 12345); // absent: nothing happens
            assertEquals(0, store.count(B));
            assertEquals(List.of(), store.owners());
        }
    }

    @Test
    void eachOwnersQueueIsBounded() {
        try (HintStore store = open(2)) {
            assertTrue(store.append(hint(B, "k1", "one")));
            assertTrue(store.append(hint(B, "k2", "two")));
            assertFalse(store.append(hint(B, "k3", "three")));
            assertTrue(store.append(hint(C, "k3", "three")), "the bound is per owner");
            assertEquals(2, store.count(B));
        }
    }
}
