package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/** The engine contract on {@link MemoryEngine}. */
class MemoryEngineTest extends StorageEngineContract {
    @Override
    protected StorageEngine newEngine(ToLongFunction<Key> tokenizer) {
        return new MemoryEngine(tokenizer);
    }

    @Test
    void isNotDurable() {
        assertFalse(newEngine().durable());
    }

    @Test
    void aCopyHoldsTheSameKeysUnderTheSameTokenizer() {
        // Token = the key's number, so a range scan shows whether the copy places keys as the source does.
        MemoryEngine engine = new MemoryEngine(key -> Long.parseLong(key.text()));
        for (int i = 1; i <= 5; i++) {
            engine.update(Key.of(Integer.toString(i * 10)), current -> stateOf("v"));
        }

        MemoryEngine copy = engine.copy();

        assertEquals(contents(engine, TokenRange.FULL_RING), contents(copy, TokenRange.FULL_RING));
        assertEquals(5, copy.size());
        TokenRange twentyToForty = new TokenRange(10, 40);
        assertEquals(contents(engine, twentyToForty), contents(copy, twentyToForty));
        assertEquals(3, contents(copy, twentyToForty).size());
    }

    @Test
    void aCopyAndItsSourceChangeIndependently() {
        MemoryEngine engine = new MemoryEngine(StorageEngineContract::hashToken);
        engine.update(Key.of("kept"), current -> stateOf("v1"));
        engine.update(Key.of("changed"), current -> stateOf("v1"));
        MemoryEngine copy = engine.copy();

        engine.update(Key.of("changed"), current -> stateOf("v2"));
        engine.update(Key.of("added"), current -> stateOf("v2"));
        copy.update(Key.of("kept"), current -> Siblings.EMPTY);

        assertEquals(stateOf("v1"), copy.get(Key.of("changed")));
        assertEquals(Siblings.EMPTY, copy.get(Key.of("added")));
        assertEquals(stateOf("v1"), engine.get(Key.of("kept")));
        assertEquals(3, engine.size());
        assertEquals(1, copy.size());
        engine.close();
        assertEquals(stateOf("v1"), copy.get(Key.of("changed")), "closing the source leaves the copy");
    }

    private static Siblings stateOf(String value) {
        return Siblings.EMPTY.write(new DotIssuer(new Actor(NodeId.of("node-a"), 0)), CausalContext.EMPTY,
                Optional.of(Bytes.utf8(value)), 1_000, Siblings.DEFAULT_MAX_ACTORS).state();
    }

    private static TreeMap<String, Siblings> contents(MemoryEngine engine, TokenRange range) {
        TreeMap<String, Siblings> contents = new TreeMap<>();
        engine.scan(range, (key, state) -> contents.put(key.text(), state));
        return contents;
    }
}
