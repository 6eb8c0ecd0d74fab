package io.kvorum.storage.engine;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.merkle.EntryHasher;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.version.Siblings;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * A volatile engine that keeps every key in a concurrent skip list ordered by (token, key), so a
 * token range is a contiguous slice. For tests, benchmarks and caches of nothing: it loses
 * everything when the process ends ({@link #durable()} is false).
 */
public final class MemoryEngine implements StorageEngine {
    private record Slot(long token, Key key) {}

    private static final Comparator<Slot> ORDER = Comparator.comparingLong(Slot::token).thenComparing(Slot::key);

    /** Bounds of every possible key, for slicing the map by token alone. */
    private static final Key SMALLEST_KEY = new Key(Bytes.copyOf(new byte[] {0}));
    private static final Key LARGEST_KEY = largestKey();

    private final ToLongFunction<Key> tokenizer;
    private final ConcurrentSkipListMap<Slot, Siblings> keys;

    /** @param tokenizer the partitioner's key-to-token function, so ranges match the ring's */
    public MemoryEngine(ToLongFunction<Key> tokenizer) {
        this(tokenizer, new ConcurrentSkipListMap<>(ORDER));
    }

    private MemoryEngine(ToLongFunction<Key> tokenizer, ConcurrentSkipListMap<Slot, Siblings> keys) {
        this.tokenizer = tokenizer;
        this.keys = keys;
    }

    /**
     * An independent engine with the same keys and tokenizer: later changes to either do not show in
     * the other (the simulator keeps one as the synced state of a disk). Taken while updates run, it
     * holds each key's state from before or after a concurrent update, not one point in time.
     */
    public MemoryEngine copy() {
        // Siblings are immutable values, so copying the map that holds them makes the copy independent.
        return new MemoryEngine(tokenizer, new ConcurrentSkipListMap<>(keys));
    }

    @Override
    public Siblings get(Key key) {
        Siblings state = keys.get(slot(key));
        return state == null ? Siblings.EMPTY : state;
    }

    @Override
    public Siblings update(Key key, UnaryOperator<Siblings> change) {
        // compute() on a skip list is atomic in effect (it retries with the fresh value under contention),
        // which is why the interface demands a pure change function.
        Siblings result = keys.compute(slot(key), (slot, old) -> {
            Siblings next = change.apply(old == null ? Siblings.EMPTY : old);
            return next.equals(Siblings.EMPTY) ? null : next;
        });
        return result == null ? Siblings.EMPTY : result;
    }

    /** Nothing here waits: every operation is ready. */
    @Override
    public Siblings getIfReady(Key key) {
        return get(key);
    }

    @Override
    public Deferred updateIfReady(Key key, UnaryOperator<Siblings> change) {
        return Deferred.done(update(key, change));
    }

    @Override
    public void scan(TokenRange range, BiConsumer<Key, Siblings> visitor) {
        if (range.isFullRing()) {
            keys.forEach((slot, state) -> visitor.accept(slot.key(), state));
        } else if (range.startExclusive() < range.endInclusive()) {
            visit(range.startExclusive(), range.endInclusive(), visitor);
        } else {
            visit(range.startExclusive(), Long.MAX_VALUE, visitor);
            visitTo(range.endInclusive(), visitor);
        }
    }

    @Override
    public void scan(LongPredicate tokens, BiConsumer<Key, Siblings> visitor) {
        keys.forEach((slot, state) -> {
            if (tokens.test(slot.token())) {
                visitor.accept(slot.key(), state);
            }
        });
    }

    /** Reads and hashes every state: this engine keeps no entry hashes (it is for tests and the simulator). */
    @Override
    public void forEachDigest(LongPredicate tokens, DigestVisitor visitor) {
        EntryHasher hasher = new EntryHasher();
        keys.forEach((slot, state) -> {
            if (tokens.test(slot.token())) {
                MerkleHash entry = hasher.entry(slot.key(), state);
                visitor.visit(slot.key(), slot.token(), Math.floorDiv(state.newestWallMillis(), 1000) * 1000, entry.high(), entry.low());
            }
        });
    }

    private void visit(long startExclusive, long endInclusive, BiConsumer<Key, Siblings> visitor) {
        if (startExclusive == Long.MAX_VALUE) {
            return;
        }
        for (Map.Entry<Slot, Siblings> e : keys.subMap(firstSlot(startExclusive + 1), true, lastSlot(endInclusive), true).entrySet()) {
            visitor.accept(e.getKey().key(), e.getValue());
        }
    }

    private void visitTo(long endInclusive, BiConsumer<Key, Siblings> visitor) {
        for (Map.Entry<Slot, Siblings> e : keys.headMap(lastSlot(endInclusive), true).entrySet()) {
            visitor.accept(e.getKey().key(), e.getValue());
        }
    }

    @Override
    public long size() {
        return keys.size();
    }

    @Override
    public boolean durable() {
        return false;
    }

    @Override
    public void close() {
        keys.clear();
    }

    private Slot slot(Key key) {
        return new Slot(tokenizer.applyAsLong(key), key);
    }

    private static Slot firstSlot(long token) {
        return new Slot(token, SMALLEST_KEY);
    }

    private static Slot lastSlot(long token) {
        return new Slot(token, LARGEST_KEY);
    }

    private static Key largestKey() {
        byte[] b = new byte[Key.MAX_BYTES];
        Arrays.fill(b, (byte) 0xFF);
        return new Key(Bytes.wrapOwned(b));
    }
}
