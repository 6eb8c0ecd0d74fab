package io.kvorum.node.handoff;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.RecordingOutbox;
import io.kvorum.node.runtime.LocalStorage;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.Hint;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link DepartedHints} over a real {@link MemoryHintStore} and engine: a departed member's hints
 * become hints for the keys' replicas now (merged locally where this node is one), and the old ones
 * are deleted only once every new copy is stored.
 */
class DepartedHintsTest {
    private static final NodeId SELF = NodeId.of("node-a");
    private static final NodeId GONE = NodeId.of("node-b");
    private static final NodeId C = NodeId.of("node-c");
    private static final NodeId D = NodeId.of("node-d");
    private static final ToLongFunction<Key> TOKENIZER = key -> key.hashCode();
    private static final HandoffSettings SETTINGS = new HandoffSettings(true, 1_000, 10, 1 << 20, 2_000, 100, 800);

    private final MemoryEngine engine = new MemoryEngine(TOKENIZER);
    private final List<NodeId> notified = new ArrayList<>();

    private static Siblings state(int i) {
        return Siblings.EMPTY.write(issuer(actor("node-x")), CausalContext.EMPTY, Optional.of(bytes("v" + i)), 1_000, NO_PRUNING).state();
    }

    private DepartedHints departed(MemoryHintStore hints, RecordingOutbox outbox) {
        return new DepartedHints(SELF, SETTINGS, outbox, 10, key -> List.of(SELF, C, D), notified::add);
    }

    @Test
    void aDepartedMembersHintsBecomeHintsForTheReplicasNowAndAreThenDeleted() {
        MemoryHintStore hints = new MemoryHintStore(100);
        RecordingOutbox outbox = new RecordingOutbox(new LocalStorage(engine, hints, TOKENIZER));
        for (int i = 0; i < 3; i++) {
            assertTrue(hints.append(new Hint(GONE, Key.of("k" + i), state(i))));
        }
        departed(hints, outbox).onTick(List.of(GONE));
        outbox.runStorage();
        assertEquals(0, hints.count(GONE), "the departed member's hints are gone once re-homed");
        assertEquals(3, hints.count(C));
        assertEquals(3, hints.count(D));
        for (int i = 0; i < 3; i++) {
            assertEquals(state(i), engine.get(Key.of("k" + i)), "this node is a replica now: merged locally");
        }
        assertEquals(List.of(C, D), notified, "handoff is told to load the new owners' queues");
    }

    @Test
    void aRefusedCopyKeepsTheOldHintsAndTheyAreReHomedAgainLater() {
        MemoryHintStore hints = new MemoryHintStore(3);
        RecordingOutbox outbox = new RecordingOutbox(new LocalStorage(engine, hints, TOKENIZER));
        assertTrue(hints.append(new Hint(GONE, Key.of("k0"), state(0))));
        for (int i = 10; i < 13; i++) {
            assertTrue(hints.append(new Hint(C, Key.of("k" + i), state(i)))); // C's queue is full
        }
        DepartedHints departed = departed(hints, outbox);
        departed.onTick(List.of(GONE));
        outbox.runStorage();
        assertEquals(1, hints.count(GONE), "not every copy was stored: the old hint stays");
        hints.delete(C, hints.hintsFor(C, 3).stream().map(e -> e.id()).toList());
        departed.onTick(List.of(GONE));
        outbox.runStorage();
        assertEquals(1, hints.count(GONE), "backing off: not yet");
        outbox.advanceBy(5_000);
        departed.onTick(List.of(GONE));
        outbox.runStorage();
        assertEquals(0, hints.count(GONE));
        assertEquals(1, hints.count(C));
    }

    @Test
    void nothingIsDoneForThisNodeItselfNorWhenHandoffIsOff() {
        MemoryHintStore hints = new MemoryHintStore(100);
        RecordingOutbox outbox = new RecordingOutbox(new LocalStorage(engine, hints, TOKENIZER));
        assertTrue(hints.append(new Hint(GONE, Key.of("k0"), state(0))));
        departed(hints, outbox).onTick(List.of(SELF));
        new DepartedHints(SELF, new HandoffSettings(false, 1_000, 10, 1 << 20, 2_000, 100, 800), outbox, 10,
                key -> List.of(C), notified::add).onTick(List.of(GONE));
        assertEquals(List.of(), outbox.runStorage());
        assertEquals(1, hints.count(GONE));
    }
}
