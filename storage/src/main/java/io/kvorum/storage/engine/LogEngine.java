package io.kvorum.storage.engine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.merkle.EntryHasher;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The durable engine: a Bitcask-style log of every key's whole sibling set [1], with a read cache.
 *
 * <p>Design note.
 * <ul>
 *   <li><b>Format.</b> Segment files of CRC32C-checked records (see {@link RecordFormat}): each
 *       record is a key's whole new {@link Siblings} state encoded by {@link VersionCodec},
 *       LZ4-compressed from {@code storage.compression-threshold} up, flagged when no sibling holds
 *       a value (a tombstone-only state), or a removal marker. The active segment is sealed at
 *       {@code storage.segment-size}; a sealed segment gets a hint file of its keys and offsets.</li>
 *   <li><b>Reads.</b> The {@link KeyDirectory} maps each key to its newest record; a miss in the
 *       cache of encoded states costs one positioned read. Cache entries carry the location they were
 *       read from and count only while the directory still points there, so a late fill racing a
 *       write can never serve a stale state.</li>
 *   <li><b>Writes.</b> An update holds the key's lock (one of {@value #KEY_LOCKS} stripes) while
 *       it reads, applies the change, appends and points the directory at the new record: per-key
 *       atomic read-merge-append, as the contract demands. It then releases the lock and waits for
 *       durability (group commit under {@code always}, see {@link GroupCommit}), so writers of one
 *       key queue on the append, never on the fsync. Readers take no lock but a directory shard's.
 *       {@link #getIfReady} and {@link #updateIfReady} are the same for an event loop: they answer
 *       only from the cache and append only with uncontended locks into a segment with room, else
 *       decline; their durability completes from a sync task, never blocking the caller.</li>
 *   <li><b>Recovery</b> ({@link Recovery}): hint files for sealed segments, a checked scan for the
 *       rest; a torn tail is truncated; a record failing its CRC is skipped, logged with segment and
 *       offset, counted and never served (on a read, too: the key then reads as absent here, and
 *       read repair or anti-entropy restores it from the other replicas, Dynamo §4.7 [2]).</li>
 *   <li><b>Compaction</b> ({@link Compactor}): background, paced by {@code storage.compaction-rate},
 *       rewriting live records of segments whose dead share reached {@code storage.compaction-trigger};
 *       tombstone-only states older than {@code storage.tombstone-grace} are dropped (Cassandra's
 *       gc_grace: a delete must outlive every stale replica's chance to be repaired).</li>
 * </ul>
 * Failure behaviour: I/O errors surface as {@link java.io.UncheckedIOException} (the node answers
 * that replica's request with a storage failure); a failed fsync poisons the engine for writes.
 *
 * <p>[1] Sheehy and Smith, "Bitcask: A Log-Structured Hash Table for Fast Key/Value Data" (Basho, 2010).
 * [2] DeCandia et al., "Dynamo: Amazon's Highly Available Key-value Store" (SOSP 2007), §5 and §4.7.
 * Issue #3.
 */
public final class LogEngine implements StorageEngine {
    private static final int KEY_LOCKS = 4096;
    /** Heap of a cache entry beyond its key's and state's bytes (the cache's node, key, location and array headers), for the weigher. */
    private static final int ENTRY_OVERHEAD_BYTES = 128;

    /**
     * A cached state, kept encoded: one array per key instead of a graph of dozens of objects. The
     * cache is most of the heap's long-lived data, and under writes G1 marked that graph again and
     * again (issue 16: with decoded states, GC threads took about 115 µs of CPU per YCSB A operation
     * and full collections of 300-700 ms happened; decoding a hit costs a few µs).
     */
    private record Cached(Location location, byte[] payload) {
        Siblings state() {
            return VersionCodec.decode(payload, Integer.MAX_VALUE);
        }
    }

    private final LogStore store;
    private final ToLongFunction<Key> tokenizer;
    private final Cache<Key, Cached> cache; // null when storage.cache-size is 0
    private final long cacheCapacityBytes;
    private final ReentrantLock[] locks = new ReentrantLock[KEY_LOCKS];
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private LogEngine(LogStore store, ToLongFunction<Key> tokenizer, int cacheBytes) {
        this.store = store;
        this.tokenizer = tokenizer;
        this.cacheCapacityBytes = cacheBytes;
        this.cache = cacheBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(cacheBytes)
                .weigher((Key key, Cached c) -> key.utf8().length() + c.payload().length + ENTRY_OVERHEAD_BYTES)
                .executor(Runnable::run) // maintenance on the calling thread: storage starts no threads of its own
                .build();
        for (int i = 0; i < KEY_LOCKS; i++) {
            locks[i] = new ReentrantLock();
        }
        if (cache != null) {
            // The same record at a new place: the cached state stays valid (without this, every key a
            // compaction moved missed the cache once; issue 16 saw hit rates fall to 83% after workload A).
            store.onMoved((key, from, to) -> cache.asMap().computeIfPresent(new Key(io.kvorum.common.Bytes.wrapOwned(key)),
                    (k, cached) -> cached.location().equals(from) ? new Cached(to, cached.payload()) : cached));
        }
    }

    /** Opens (recovering) the engine whose log lives in {@code dir}. */
    public static LogEngine open(Path dir, ToLongFunction<Key> tokenizer, LogSettings settings, LogEnvironment environment) {
        return new LogEngine(LogStore.open(dir, settings, environment), tokenizer, settings.cacheBytes());
    }

    @Override
    public Siblings get(Key key) {
        byte[] bytes = key.utf8().toByteArray();
        Siblings known = inMemory(key, bytes);
        if (known != null) {
            return known;
        }
        misses.increment();
        return load(key, bytes);
    }

    /** The key's state when no disk read is needed: absent, or cached from its newest record; else null. */
    private Siblings inMemory(Key key, byte[] bytes) {
        return inMemory(key, bytes, true);
    }

    /** As above; {@code counted}: a cache hit counts in {@code storage.cache.hits} (a client's read, not background work). */
    private Siblings inMemory(Key key, byte[] bytes, boolean counted) {
        Location location = store.locate(bytes);
        if (location == null) {
            return Siblings.EMPTY;
        }
        Cached cached = cache == null ? null : cache.getIfPresent(key);
        if (cached != null && cached.location().equals(location)) {
            if (counted) {
                hits.increment();
            }
            return cached.state();
        }
        return null;
    }

    @Override
    public Siblings update(Key key, UnaryOperator<Siblings> change) {
        Deferred deferred = updateDeferred(key, change);
        deferred.awaitDurable().run();
        return deferred.state();
    }

    @Override
    public Deferred updateDeferred(Key key, UnaryOperator<Siblings> change) {
        byte[] bytes = key.utf8().toByteArray();
        ReentrantLock lock = lockOf(key);
        Siblings next;
        long ticket;
        lock.lock();
        try {
            Siblings current = get(key);
            next = change.apply(current);
            ticket = store(key, bytes, current, next);
        } finally {
            lock.unlock();
        }
        return deferred(next, ticket);
    }

    /** Ready when no disk read is needed (absent or cached), as {@link #get} but never loading. */
    @Override
    public Siblings getIfReady(Key key) {
        return inMemory(key, key.utf8().toByteArray());
    }

    /**
     * Ready when the key's lock is free, its state needs no disk read, and the append needs neither
     * a contended append lock nor a new segment. A removal (the change empties the key) is never
     * ready: it is rare, and keeps this path to one kind of record.
     */
    @Override
    public Deferred updateIfReady(Key key, UnaryOperator<Siblings> change) {
        ReentrantLock lock = lockOf(key);
        if (!lock.tryLock()) {
            return null;
        }
        byte[] bytes = key.utf8().toByteArray();
        try {
            Siblings current = inMemory(key, bytes);
            if (current == null) {
                return null;
            }
            Siblings next = change.apply(current);
            if (next.equals(current)) {
                return deferred(next, store.ticketNow());
            }
            if (next.equals(Siblings.EMPTY)) {
                return null;
            }
            byte[] payload = VersionCodec.encode(next);
            LogStore.Appended appended = store.writeIfReady(bytes, payload, !next.hasLiveValue(), next.newestWallMillis());
            if (appended == null) {
                return null;
            }
            if (cache != null) {
                cache.put(key, new Cached(appended.location(), payload));
            }
            return deferred(next, appended.ticket());
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockOf(Key key) {
        return locks[Math.floorMod(key.hashCode(), KEY_LOCKS)];
    }

    private Deferred deferred(Siblings next, long ticket) {
        return new Deferred(next.equals(Siblings.EMPTY) ? Siblings.EMPTY : next,
                () -> store.awaitDurable(ticket), () -> store.whenDurable(ticket));
    }

    /** Appends the new state (or a removal) and returns its durability ticket. Holds the key's lock. */
    private long store(Key key, byte[] bytes, Siblings current, Siblings next) {
        if (next.equals(current)) {
            return store.ticketNow(); // nothing new, but what was read may not be durable yet
        }
        if (next.equals(Siblings.EMPTY)) {
            invalidate(key);
            long ticket = store.remove(bytes);
            return ticket < 0 ? store.ticketNow() : ticket;
        }
        byte[] payload = VersionCodec.encode(next);
        LogStore.Appended appended = store.write(bytes, payload, !next.hasLiveValue(), next.newestWallMillis());
        if (cache != null) {
            cache.put(key, new Cached(appended.location(), payload));
        }
        return appended.ticket();
    }

    /**
     * The key's state for background work: from the cache if it is there, else from disk without
     * caching it and without counting a hit or a miss, so that hashing a million keys after a restart
     * or a bulk load does not push the clients' working set out of the cache (it did: a YCSB run over
     * 1,000,000 keys fell to a 26% hit rate).
     */
    private Siblings peek(Key key, byte[] bytes) {
        Siblings known = inMemory(key, bytes, false);
        if (known != null) {
            return known;
        }
        LogStore.Read read = store.read(bytes);
        return read == null ? Siblings.EMPTY : VersionCodec.decode(read.payload(), Integer.MAX_VALUE);
    }

    private Siblings load(Key key, byte[] bytes) {
        LogStore.Read read = store.read(bytes);
        if (read == null) {
            return Siblings.EMPTY;
        }
        if (cache != null) {
            cache.put(key, new Cached(read.location(), read.payload()));
        }
        return VersionCodec.decode(read.payload(), Integer.MAX_VALUE);
    }

    @Override
    public void scan(TokenRange range, BiConsumer<Key, Siblings> visitor) {
        scan(range::contains, visitor);
    }

    @Override
    public void scan(LongPredicate tokens, BiConsumer<Key, Siblings> visitor) {
        List<Key> keys = new ArrayList<>();
        store.forEachKey(bytes -> {
            Key key = new Key(io.kvorum.common.Bytes.wrapOwned(bytes));
            if (tokens.test(tokenizer.applyAsLong(key))) {
                keys.add(key);
            }
        });
        for (Key key : keys) {
            Siblings state = get(key);
            if (!state.equals(Siblings.EMPTY)) {
                visitor.accept(key, state);
            }
        }
    }

    @Override
    public void forEachKey(LongPredicate tokens, java.util.function.Consumer<Key> visitor) {
        List<Key> keys = new ArrayList<>();
        store.forEachKey(bytes -> {
            Key key = new Key(io.kvorum.common.Bytes.wrapOwned(bytes));
            if (tokens.test(tokenizer.applyAsLong(key))) {
                keys.add(key);
            }
        });
        keys.forEach(visitor);
    }

    /**
     * From the key directory, which keeps each key's newest wall time and entry hash: only keys
     * written since the last call have their state read and hashed (then remembered).
     */
    @Override
    public void forEachDigest(LongPredicate tokens, DigestVisitor visitor) {
        EntryHasher hasher = new EntryHasher();
        store.forEachSummary((bytes, position, length, wallMillis, high, low) -> {
            Key key = new Key(io.kvorum.common.Bytes.wrapOwned(bytes)); // read only, like the directory's own
            long token = tokenizer.applyAsLong(key);
            if (!tokens.test(token)) {
                return;
            }
            if (high != 0 || low != 0) {
                visitor.visit(key, token, wallMillis, high, low);
                return;
            }
            Siblings state = peek(key, bytes);
            if (state.equals(Siblings.EMPTY)) {
                return; // removed since the directory was copied
            }
            MerkleHash entry = hasher.entry(key, state);
            store.setDigest(bytes, position, entry.high(), entry.low()); // kept only if the key has not moved on
            visitor.visit(key, token, Math.floorDiv(state.newestWallMillis(), 1000) * 1000, entry.high(), entry.low());
        });
    }

    @Override
    public long size() {
        return store.size();
    }

    @Override
    public boolean durable() {
        return true;
    }

    /** The engine's counters, for the runtime's metrics. */
    public LogStats stats() {
        long bytes = cache == null ? 0 : cache.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
        return store.stats().withCache(hits.sum(), misses.sum(), bytes, cacheCapacityBytes);
    }

    /** Compacts every due segment now on the caller's thread; for tests and benchmarks. */
    public boolean compactNow() {
        return store.compactNow();
    }

    /** Seals the active segment now, so that it can be compacted; for tests and benchmarks. */
    public void sealActive() {
        store.sealActive();
    }

    @Override
    public void close() {
        store.close();
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    private void invalidate(Key key) {
        if (cache != null) {
            cache.invalidate(key);
        }
    }
}
