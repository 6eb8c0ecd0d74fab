package io.kvorum.storage.engine;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.version.Siblings;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * A replica's local store of versioned keys: read a key's siblings, change them atomically, and walk
 * a token range (for anti-entropy and handoff).
 *
 * <p>Contract (checked by {@code StorageEngineContract} for every engine): a key never written reads
 * as {@link Siblings#EMPTY}; {@link #update} is atomic per key (concurrent updates of one key
 * serialize, none is lost); when it returns, the new state is durable as the engine's sync policy
 * defines; a state equal to {@link Siblings#EMPTY} is never stored.
 */
public interface StorageEngine extends AutoCloseable {
    /** The key's current state, {@link Siblings#EMPTY} when absent. */
    Siblings get(Key key);

    /**
     * Replaces the key's state by {@code change.apply(current)} atomically and returns the new state.
     * {@code change} must be a pure function of its argument: an engine may call it more than once.
     */
    Siblings update(Key key, UnaryOperator<Siblings> change);

    /** A change that readers already see, and the wait (blocking) until it is durable as the sync policy defines. */
    record Deferred(Siblings state, Runnable awaitDurable) {}

    /**
     * Like {@link #update}, but returns as soon as the new state is visible to readers; running
     * {@link Deferred#awaitDurable} then blocks until it is durable. Lets a coordinator send a new
     * version to the other replicas while its own copy is being synced. Engines without a separate
     * durability step return an already durable change.
     */
    default Deferred updateDeferred(Key key, UnaryOperator<Siblings> change) {
        return new Deferred(update(key, change), () -> { });
    }

    /** Calls {@code visitor} for every stored key whose token lies in {@code range}, in no promised order. */
    void scan(TokenRange range, BiConsumer<Key, Siblings> visitor);

    /** How many keys are stored. */
    long size();

    /**
     * True when an acknowledged update survives a crash of the process. A node whose engine is not
     * durable must start a new actor epoch on every start (see {@code Actor}).
     */
    boolean durable();

    @Override
    void close();
}
