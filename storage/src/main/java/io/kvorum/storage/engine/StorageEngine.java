package io.kvorum.storage.engine;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.merkle.EntryHasher;
import io.kvorum.storage.version.Siblings;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
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

    /**
     * A change that readers already see, and its durability (as the sync policy defines):
     * {@code awaitDurable} blocks until then, {@code durable} completes then (on a storage thread,
     * or already), each failing with {@link java.io.UncheckedIOException} when it cannot be.
     */
    record Deferred(Siblings state, Runnable awaitDurable, Supplier<CompletionStage<Void>> durable) {
        /** A change that is durable already. */
        public static Deferred done(Siblings state) {
            return new Deferred(state, () -> { }, () -> DURABLE);
        }
    }

    /** A completed durability, shared. */
    CompletionStage<Void> DURABLE = CompletableFuture.completedStage(null);

    /**
     * Like {@link #update}, but returns as soon as the new state is visible to readers; running
     * {@link Deferred#awaitDurable} then blocks until it is durable. Lets a coordinator send a new
     * version to the other replicas while its own copy is being synced. Engines without a separate
     * durability step return an already durable change.
     */
    default Deferred updateDeferred(Key key, UnaryOperator<Siblings> change) {
        return Deferred.done(update(key, change));
    }

    /**
     * The key's state if the engine has it without waiting for a disk or for another thread, else
     * null. An event loop calls this first and hands the read to a worker only on null.
     */
    Siblings getIfReady(Key key);

    /**
     * Like {@link #updateDeferred}, but only if the change can be made without waiting for a disk
     * or for another thread (the durability may still be pending: wait for it with
     * {@link Deferred#durable}); null otherwise, with nothing changed.
     */
    Deferred updateIfReady(Key key, UnaryOperator<Siblings> change);

    /** Calls {@code visitor} for every stored key whose token lies in {@code range}, in no promised order. */
    void scan(TokenRange range, BiConsumer<Key, Siblings> visitor);

    /**
     * Calls {@code visitor} for every stored key whose token passes {@code tokens}, in no promised
     * order: several ranges in one pass. The engine tests the token before it reads the state, so
     * keys outside cost no read.
     */
    void scan(LongPredicate tokens, BiConsumer<Key, Siblings> visitor);

    /**
     * Calls {@code visitor} for every stored key whose token passes {@code tokens}, in no promised
     * order, without reading states where the engine can avoid it (a transfer sorts keys before it reads any).
     */
    default void forEachKey(LongPredicate tokens, java.util.function.Consumer<Key> visitor) {
        scan(tokens, (key, state) -> visitor.accept(key));
    }

    /** One key as {@link #forEachDigest} sees it. */
    @FunctionalInterface
    interface DigestVisitor {
        /**
         * @param token the key's token (the engine's tokenizer), so a visitor routing keys to ranges need not hash it again
         * @param newestWallMillis {@link Siblings#newestWallMillis} of the key's state, rounded down to the second
         * @param entryHigh with {@code entryLow}, the key's Merkle entry hash ({@link EntryHasher#entry})
         */
        void visit(Key key, long token, long newestWallMillis, long entryHigh, long entryLow);
    }

    /**
     * Calls {@code visitor} for every stored key whose token passes {@code tokens}, in no promised
     * order, with what a Merkle tree build needs of it. An engine that keeps the entry hashes
     * reads only the states written since its last call; others read and hash every state.
     */
    void forEachDigest(LongPredicate tokens, DigestVisitor visitor);

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
