package io.kvorum.storage.engine;

import io.kvorum.config.StorageConfig.SyncPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable map from byte keys to byte payloads kept as an append-only log of segment files with an
 * in-memory {@link KeyDirectory}: the machinery under {@link LogEngine} and the hint store. See
 * {@link LogEngine} for the design note.
 *
 * <p>Thread-safe. Writers of one key must be serialized by the caller ({@link LogEngine} holds a
 * per-key lock); appends are serialized here by one short lock; reads take no lock but a key
 * directory shard's for a lookup.
 */
public final class LogStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogStore.class);
    /** A reader retries when compaction retired its segment between lookup and read; more than this many is a bug. */
    private static final int READ_ATTEMPTS_MAX = 1000;

    /** A record read back: where it was, its header and its payload (decompressed). */
    record Read(Location location, RecordFormat.Header header, byte[] payload) {}

    /** An append: where the record went and its durability ticket (see {@link GroupCommit}). */
    record Appended(Location location, long ticket) {}

    private final Path dir;
    private final LogSettings settings;
    private final LogEnvironment environment;
    private final KeyDirectory keydir = new KeyDirectory();
    private final Map<Integer, Segment> byHandle = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Segment> byId = new ConcurrentSkipListMap<>();
    private final AtomicInteger nextHandle = new AtomicInteger(1);
    private final ReentrantLock appendLock = new ReentrantLock();
    private final GroupCommit groupCommit;
    private final CompactionScheduler compaction = new CompactionScheduler(this);
    private final CompressionBackoff compressionBackoff = new CompressionBackoff();
    private final AtomicLong corruptRecords = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong bytesReclaimed = new AtomicLong();
    private volatile boolean closed;
    private Segment active; // guarded by appendLock
    /** Bytes appended since open, the tickets' scale: written under appendLock, read without it. */
    private volatile long appended;
    private volatile long forced;

    private LogStore(Path dir, LogSettings settings, LogEnvironment environment) {
        this.dir = dir;
        this.settings = settings;
        this.environment = environment;
        this.groupCommit = new GroupCommit(this::forceActive, environment.scheduler(), settings.syncWindowMillis(),
                environment.monotonicNanos());
    }

    /** Opens (creating if needed) the log in {@code dir}, recovering its key directory from hint files and scans. */
    public static LogStore open(Path dir, LogSettings settings, LogEnvironment environment) {
        LogStore store = new LogStore(dir, settings, environment);
        try {
            Files.createDirectories(dir);
            int majorMax = Recovery.recover(store);
            store.appendLock.lock();
            try {
                store.active = store.createSegment(Segment.id(majorMax + 1, 0));
            } finally {
                store.appendLock.unlock();
            }
        } catch (IOException e) {
            store.closeSegments();
            throw new UncheckedIOException("cannot open the log in " + dir + ": " + e.getMessage(), e);
        }
        store.scheduleBackground();
        return store;
    }

    // ---- public API for stores built on the log (the hint store) ----

    /** The payload stored for {@code key}, or null. */
    public byte[] get(byte[] key) {
        Read read = read(key);
        return read == null ? null : read.payload();
    }

    /** Stores {@code payload} for {@code key}; returns when durable as the sync policy says. Not atomic with other writers of the key. */
    public void put(byte[] key, byte[] payload) {
        awaitDurable(write(key.clone(), payload, false, 0).ticket());
    }

    /** Removes {@code key}; returns when durable as the sync policy says. */
    public void delete(byte[] key) {
        deleteAll(List.of(key));
    }

    /**
     * Removes every key in {@code keys}; returns when all the removals are durable as the sync policy
     * says. Appends every removal marker first and then waits once, so the batch shares one fsync.
     */
    public void deleteAll(List<byte[]> keys) {
        long ticket = -1;
        for (byte[] key : keys) {
            ticket = Math.max(ticket, remove(key));
        }
        // Absent keys too wait for what was appended so far: a concurrent removal of one may not be durable yet.
        awaitDurable(ticket < 0 ? ticketNow() : ticket);
    }

    /** Visits every stored key (a copy of each); keys written meanwhile may or may not be seen. */
    public void forEachKey(Consumer<byte[]> visitor) {
        keydir.forEach((key, location) -> visitor.accept(key.clone()));
    }

    /** Told of each record a compaction moved, once the directory points at its new place. */
    @FunctionalInterface
    interface MoveListener {
        void moved(byte[] key, Location from, Location to);
    }

    private volatile MoveListener moveListener = (key, from, to) -> { };

    /** Sets the one listener to records moved by compaction (the engine's read cache, which is keyed by location). */
    void onMoved(MoveListener listener) {
        this.moveListener = listener;
    }

    void moved(byte[] key, Location from, Location to) {
        moveListener.moved(key, from, to);
    }

    /** Every stored key with what anti-entropy needs of it (see {@link KeyDirectory#forEachSummary}). */
    void forEachSummary(KeyDirectory.SummaryVisitor visitor) {
        keydir.forEachSummary(visitor);
    }

    /** Records a key's entry hash, for the record at {@code position} only. */
    void setDigest(byte[] key, long position, long high, long low) {
        keydir.setDigest(key, position, high, low);
    }

    public long size() {
        return keydir.size();
    }

    /** Compacts every due sealed segment now, on the caller's thread, without the rate limit; false if one was running. */
    public boolean compactNow() {
        return compaction.runNow();
    }

    /** Seals the active segment now (writing its hint file) so that it can be compacted; for tests and benchmarks. */
    public void sealActive() {
        appendLock.lock();
        try {
            if (active.size() > 0) {
                seal(roll(), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            appendLock.unlock();
        }
    }

    public LogStats stats() {
        long disk = 0;
        long dead = 0;
        for (Segment s : byId.values()) {
            disk += s.size();
            dead += s.deadBytes();
        }
        return new LogStats(keydir.size(), keydir.heapBytes(), byId.size(), disk, dead, corruptRecords.get(),
                compactions.get(), bytesReclaimed.get(), groupCommit.fsyncs(), 0, 0, 0, 0);
    }

    /** Forces what was appended (unless the policy is never) and closes every file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (settings.sync() != SyncPolicy.NEVER) {
                groupCommit.syncNow();
            }
        } finally {
            closed = true;
            appendLock.lock();
            try {
                closeSegments();
            } finally {
                appendLock.unlock();
            }
        }
    }

    // ---- the engine's interface ----

    Location locate(byte[] key) {
        return keydir.get(key);
    }

    /** The key's newest record, or null when absent (or when it failed its check: then it is counted and dropped). */
    Read read(byte[] key) {
        for (int attempt = 0; attempt < READ_ATTEMPTS_MAX; attempt++) {
            checkOpen();
            Location location = keydir.get(key);
            if (location == null) {
                return null;
            }
            Segment segment = byHandle.get(location.segment());
            if (segment == null) {
                continue; // compaction moved the record and retired the segment since the lookup
            }
            byte[] record;
            try {
                record = segment.read(location.offset(), location.length());
            } catch (ClosedChannelException e) {
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(segment + ": read at " + location.offset() + " failed: " + e.getMessage(), e);
            }
            RecordFormat.Header header = RecordFormat.parseHeader(record, 0, record.length);
            boolean valid = header != null && header.recordBytes() == record.length
                    && RecordFormat.crcMatches(record, 0, record.length)
                    && Arrays.equals(RecordFormat.key(record, header), key);
            if (!valid) {
                dropCorrupt(key, segment, location);
                return null;
            }
            return new Read(location, header, RecordFormat.payload(record, header));
        }
        throw new IllegalStateException("key directory kept pointing at retired segments for " + READ_ATTEMPTS_MAX + " attempts");
    }

    /** Appends the key's new state; {@code key} becomes the directory's. The caller serializes writers of the key. */
    Appended write(byte[] key, byte[] payload, boolean tombstone, long wallMillis) {
        return write(key, payload, tombstone, wallMillis, true);
    }

    /**
     * Like {@link #write}, but only without waiting: null (nothing written) when another thread
     * holds the append lock or the active segment is full (sealing it forces a file). For event loops.
     */
    Appended writeIfReady(byte[] key, byte[] payload, boolean tombstone, long wallMillis) {
        return write(key, payload, tombstone, wallMillis, false);
    }

    private Appended write(byte[] key, byte[] payload, boolean tombstone, long wallMillis, boolean mayWait) {
        int flags = tombstone ? RecordFormat.FLAG_TOMBSTONE : 0;
        byte[] stored = payload;
        if (payload.length >= settings.compressionThresholdBytes() && compressionBackoff.shouldTry()) {
            byte[] compressed = RecordFormat.compress(payload);
            compressionBackoff.record(compressed != null);
            if (compressed != null) {
                stored = compressed;
                flags |= RecordFormat.FLAG_COMPRESSED;
            }
        }
        byte[] record = RecordFormat.encode(flags, key, stored, wallMillis);
        Appended appended = mayWait ? append(record, tombstone, wallMillis) : appendIfReady(record, tombstone, wallMillis);
        if (appended != null) {
            markDead(keydir.put(key, appended.location(), wallMillis));
        }
        return appended;
    }

    /** Appends a removal marker and drops the key; returns its ticket, or -1 when the key was absent. */
    long remove(byte[] key) {
        if (keydir.get(key) == null) {
            return -1;
        }
        byte[] record = RecordFormat.encode(RecordFormat.FLAG_REMOVED, key, new byte[0], 0);
        Appended appended = append(record, false, 0);
        markDead(keydir.remove(key));
        markDead(appended.location()); // a marker is garbage from birth; compaction keeps it only while needed
        return appended.ticket();
    }

    /** A ticket covering everything appended so far. */
    long ticketNow() {
        return appended;
    }

    /** Waits, under the {@code always} policy, until {@code ticket} is durable. */
    void awaitDurable(long ticket) {
        if (settings.sync() == SyncPolicy.ALWAYS) {
            groupCommit.await(ticket);
        }
    }

    /** Completes when {@code ticket} is durable under the sync policy (at once unless it is {@code always}); never blocks. */
    CompletionStage<Void> whenDurable(long ticket) {
        return settings.sync() == SyncPolicy.ALWAYS ? groupCommit.whenDurable(ticket) : StorageEngine.DURABLE;
    }

    // ---- for recovery and compaction ----

    Path dir() {
        return dir;
    }

    LogSettings settings() {
        return settings;
    }

    long wallMillis() {
        return environment.wallMillis().getAsLong();
    }

    KeyDirectory keydir() {
        return keydir;
    }

    Segment segment(int handle) {
        return byHandle.get(handle);
    }

    /** Segments in id order (a snapshot). */
    List<Segment> segments() {
        return new ArrayList<>(byId.values());
    }

    Segment createSegment(long id) throws IOException {
        Segment segment = Segment.create(dir, id, nextHandle.getAndIncrement());
        if (settings.sync() != SyncPolicy.NEVER) {
            forceDirectory();
        }
        register(segment);
        return segment;
    }

    Segment openSegment(long id) throws IOException {
        Segment segment = Segment.open(dir, id, nextHandle.getAndIncrement());
        register(segment);
        return segment;
    }

    void markDead(Location location) {
        if (location != null) {
            Segment segment = byHandle.get(location.segment());
            if (segment != null) {
                segment.addDead(location.length());
            }
        }
    }

    void countCorrupt(int records) {
        corruptRecords.addAndGet(records);
    }

    /** Removes compacted segments: from the registry first (readers then retry), then from disk. */
    void retire(List<Segment> inputs) throws IOException {
        for (Segment s : inputs) {
            byId.remove(s.id());
            byHandle.remove(s.handle());
            bytesReclaimed.addAndGet(s.size());
        }
        for (Segment s : inputs) {
            s.close();
            Files.deleteIfExists(s.hintPath());
            Files.deleteIfExists(s.path());
        }
        if (settings.sync() != SyncPolicy.NEVER) {
            forceDirectory();
        }
        compactions.incrementAndGet();
    }

    void retireEmpty(Segment segment) throws IOException {
        byId.remove(segment.id());
        byHandle.remove(segment.handle());
        segment.close();
        Files.deleteIfExists(segment.hintPath());
        Files.deleteIfExists(segment.path());
    }

    void forceDirectory() throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    // ---- internals ----

    private void register(Segment segment) {
        byHandle.put(segment.handle(), segment);
        byId.put(segment.id(), segment);
    }

    private Appended append(byte[] record, boolean tombstone, long wallMillis) {
        appendLock.lock();
        try {
            checkOpen();
            if (active.size() + record.length > settings.segmentBytes() && active.size() > 0) {
                seal(roll(), false);
            }
            return appendLocked(record, tombstone, wallMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(active + ": append failed: " + e.getMessage(), e);
        } finally {
            appendLock.unlock();
        }
    }

    private Appended appendIfReady(byte[] record, boolean tombstone, long wallMillis) {
        if (!appendLock.tryLock()) {
            return null;
        }
        try {
            checkOpen();
            if (active.size() + record.length > settings.segmentBytes() && active.size() > 0) {
                return null;
            }
            return appendLocked(record, tombstone, wallMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(active + ": append failed: " + e.getMessage(), e);
        } finally {
            appendLock.unlock();
        }
    }

    /** Appends to the active segment, which has room. Holds the append lock. */
    private Appended appendLocked(byte[] record, boolean tombstone, long wallMillis) throws IOException {
        Segment segment = active;
        int offset = (int) segment.size();
        segment.append(record);
        if (tombstone) {
            segment.addTombstone(wallMillis);
        }
        appended += record.length;
        return new Appended(new Location(segment.handle(), offset, record.length), appended);
    }

    /** Starts a new active segment and returns the old one, forced unless the policy is never. Holds the append lock. */
    private Segment roll() throws IOException {
        Segment old = active;
        if (settings.sync() != SyncPolicy.NEVER) {
            old.force();
        }
        active = createSegment(Segment.id(Segment.major(old.id()) + 1, 0));
        return old;
    }

    /** Writes the sealed segment's hint file (in the background unless {@code now}), then looks for due compaction. */
    private void seal(Segment segment, boolean now) {
        Runnable task = () -> {
            if (closed) {
                return;
            }
            try {
                Recovery.writeHint(segment, SegmentScanner.scan(segment).records());
            } catch (IOException | UncheckedIOException e) {
                log.error("{}: cannot write its hint file; recovery will scan it", segment, e);
            }
            // Sealed either way: compaction reads its inputs itself and needs no hint file.
            segment.seal();
            compaction.maybeStart();
        };
        if (now) {
            task.run();
        } else {
            environment.scheduler().schedule(0, task);
        }
    }

    private long forceActive() throws IOException {
        Segment segment;
        long position;
        appendLock.lock();
        try {
            checkOpen();
            segment = active;
            position = appended;
        } finally {
            appendLock.unlock();
        }
        if (position > forced) {
            segment.force();
            forced = position;
        }
        return position;
    }

    private void dropCorrupt(byte[] key, Segment segment, Location location) {
        if (keydir.remove(key, location)) {
            corruptRecords.incrementAndGet();
            segment.addDead(location.length());
            log.error("{}: record at offset {} failed its checksum; dropped, never served", segment, location.offset());
        }
    }

    private void scheduleBackground() {
        if (settings.sync() == SyncPolicy.INTERVAL) {
            scheduleIntervalSync();
        }
        compaction.schedulePeriodicCheck();
    }

    private void scheduleIntervalSync() {
        environment.scheduler().schedule(settings.syncIntervalMillis(), () -> {
            if (closed) {
                return;
            }
            try {
                groupCommit.syncNow();
            } catch (UncheckedIOException e) {
                log.error("interval fsync failed; no later write is durable", e);
                return;
            }
            scheduleIntervalSync();
        });
    }

    boolean closed() {
        return closed;
    }

    BackgroundScheduler scheduler() {
        return environment.scheduler();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the log in " + dir + " is closed");
        }
    }

    private void closeSegments() {
        for (Segment s : byId.values()) {
            try {
                s.close();
            } catch (IOException e) {
                log.warn("{}: close failed", s, e);
            }
        }
    }
}
