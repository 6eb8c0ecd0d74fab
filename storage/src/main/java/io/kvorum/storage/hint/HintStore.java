package io.kvorum.storage.hint;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.storage.engine.LogStore;
import io.kvorum.storage.version.VersionCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A durable queue of {@link Hint}s per intended owner, on the same log machinery as the engine
 * ({@link LogStore}): a hint is a record keyed by (owner, sequence number), so appends are durable
 * as the sync policy says, deletes are removal markers, and compaction reclaims delivered hints.
 *
 * <p>Hints are handed back in the order they were stored. Each owner's queue is bounded
 * ({@code hintsPerOwnerMax}); {@link #append} refuses beyond it, and the caller counts the refusal
 * (anti-entropy then repairs what the hint would have carried). Thread-safe.
 */
public final class HintStore implements AutoCloseable {
    /** A stored hint and its id, for {@link #delete}. */
    public record Entry(long id, Hint hint) {}

    private static final byte SEPARATOR = 0;

    private final LogStore log;
    private final int hintsPerOwnerMax;
    private final NavigableMap<NodeId, NavigableSet<Long>> ids = new TreeMap<>(); // guarded by this
    private long nextId = 1; // guarded by this

    /** A store over {@code log} (which it then owns), rebuilding its per-owner index from the log's keys. */
    public HintStore(LogStore log, int hintsPerOwnerMax) {
        Invariants.require(hintsPerOwnerMax >= 1, "hintsPerOwnerMax must be >= 1, got %d", hintsPerOwnerMax);
        this.log = log;
        this.hintsPerOwnerMax = hintsPerOwnerMax;
        log.forEachKey(key -> {
            int split = key.length - Long.BYTES - 1;
            NodeId owner = NodeId.of(new String(key, 0, split, StandardCharsets.UTF_8));
            long id = ByteBuffer.wrap(key, split + 1, Long.BYTES).getLong();
            ids.computeIfAbsent(owner, o -> new TreeSet<>()).add(id);
            nextId = Math.max(nextId, id + 1);
        });
    }

    /** Stores {@code hint} durably; false (nothing stored) when its owner already has {@code hintsPerOwnerMax} hints. */
    public boolean append(Hint hint) {
        long id;
        synchronized (this) {
            NavigableSet<Long> queue = ids.computeIfAbsent(hint.owner(), o -> new TreeSet<>());
            if (queue.size() >= hintsPerOwnerMax) {
                return false;
            }
            id = nextId++;
            queue.add(id);
        }
        ByteWriter payload = new ByteWriter(64);
        payload.writeBytes(hint.key().utf8());
        VersionCodec.writeSiblings(payload, hint.state());
        log.put(key(hint.owner(), id), payload.toByteArray());
        return true;
    }

    /** Up to {@code max} of the owner's hints, oldest first. */
    public List<Entry> hintsFor(NodeId owner, int max) {
        List<Long> wanted = new ArrayList<>();
        synchronized (this) {
            for (long id : ids.getOrDefault(owner, Collections.emptyNavigableSet())) {
                if (wanted.size() == max) {
                    break;
                }
                wanted.add(id);
            }
        }
        List<Entry> entries = new ArrayList<>(wanted.size());
        for (long id : wanted) {
            byte[] payload = log.get(key(owner, id));
            if (payload != null) {
                ByteReader in = new ByteReader(payload);
                Key key = new Key(in.readBytes(Key.MAX_BYTES));
                entries.add(new Entry(id, new Hint(owner, key, VersionCodec.readSiblings(in, Integer.MAX_VALUE))));
            }
        }
        return entries;
    }

    /** Deletes a delivered hint (durably, as the sync policy says); deleting an absent one does nothing. */
    public void delete(NodeId owner, long id) {
        synchronized (this) {
            NavigableSet<Long> queue = ids.get(owner);
            if (queue == null || !queue.remove(id)) {
                return;
            }
            if (queue.isEmpty()) {
                ids.remove(owner);
            }
        }
        log.delete(key(owner, id));
    }

    /** How many hints wait for {@code owner}. */
    public synchronized int count(NodeId owner) {
        NavigableSet<Long> queue = ids.get(owner);
        return queue == null ? 0 : queue.size();
    }

    /** The owners with hints waiting, in order. */
    public synchronized List<NodeId> owners() {
        return List.copyOf(ids.keySet());
    }

    @Override
    public void close() {
        log.close();
    }

    private static byte[] key(NodeId owner, long id) {
        byte[] name = owner.value().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1 + Long.BYTES).put(name).put(SEPARATOR).putLong(id).array();
    }
}
