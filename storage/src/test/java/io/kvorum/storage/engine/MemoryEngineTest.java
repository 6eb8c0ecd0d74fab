package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kvorum.common.Key;
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
}
