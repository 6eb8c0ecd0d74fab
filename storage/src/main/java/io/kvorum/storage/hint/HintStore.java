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
 * The durable {@link Hints}, on the same log machinery as the engine ({@link LogStore}): a hint is a
 * record keyed by (owner, id), so appends are durable as the sync policy says, deletes are removal
 * markers, and compaction reclaims delivered hints.
 *
 * <p>Only the ids live in memory (the index rebuilt from the log's keys on open); payloads are read
 * back on {@link #hintsFor}. An owner that holds more than the cap after a restart with a lower cap
 * keeps them all; {@link #append} refuses until deliveries bring it below. Thread-safe.
 */
public final class HintStore implements Hints {
    private static final byte SEPARATOR = 0;

    private final LogStore log;
    private final int capPerOwner;
    private final NavigableMap<NodeId, NavigableSet<Long>> ids = new TreeMap<>(); // guarded by this
    private long nextId = 1; // guarded by this
    private long total; // guarded by this

    /** A store over {@code log} (which it then owns), rebuilding its per-owner index from the log's keys. */
    public HintStore(LogStore log, int capPerOwner) {
        Invariants.require(capPerOwner >= 1, "capPerOwner must be >= 1, got %d", capPerOwner);
        this.log = log;
        this.capPerOwner = capPerOwner;
        log.forEachKey(key -> {
            int split = key.length - Long.BYTES - 1;
            NodeId owner = NodeId.of(new String(key, 0, split, StandardCharsets.UTF_8));
            long id = ByteBuffer.wrap(key, split + 1, Long.BYTES).getLong();
            if (ids.computeIfAbsent(owner, o -> new TreeSet<>()).add(id)) {
                total++;
            }
            nextId = Math.max(nextId, id + 1);
        });
    }

    @Override
    public boolean append(Hint hint) {
        long id;
        synchronized (this) {
            NavigableSet<Long> queue = ids.computeIfAbsent(hint.owner(), o -> new TreeSet<>());
            if (queue.size() >= capPerOwner) {
                return false;
            }
            id = nextId++;
            queue.add(id);
            total++;
        }
        ByteWriter payload = new ByteWriter(64);
        payload.writeBytes(hint.key().utf8());
        VersionCodec.writeSiblings(payload, hint.state());
        try {
            log.put(key(hint.owner(), id), payload.toByteArray());
        } catch (RuntimeException e) {
            // Not stored: an id left in the index would count against the cap and never come back.
            synchronized (this) {
                forget(hint.owner(), id);
            }
            throw e;
        }
        return true;
    }

    @Override
    public List<Entry> hintsFor(NodeId owner, int max) {
        Invariants.require(max >= 0, "max must be >= 0, got %d", max);
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
            if (payload != null) { // null: deleted since, or its append is still under way
                ByteReader in = new ByteReader(payload);
                Key key = new Key(in.readBytes(Key.MAX_BYTES));
                entries.add(new Entry(id, new Hint(owner, key, VersionCodec.readSiblings(in, Integer.MAX_VALUE))));
            }
        }
        return entries;
    }

    @Override
    public void delete(NodeId owner, List<Long> idsToDelete) {
        List<byte[]> keys = new ArrayList<>(idsToDelete.size());
        synchronized (this) {
            for (long id : idsToDelete) {
                if (forget(owner, id)) {
                    keys.add(key(owner, id));
                }
            }
        }
        if (!keys.isEmpty()) {
            log.deleteAll(keys);
        }
    }

    @Override
    public synchronized int count(NodeId owner) {
        NavigableSet<Long> queue = ids.get(owner);
        return queue == null ? 0 : queue.size();
    }

    @Override
    public synchronized long total() {
        return total;
    }

    @Override
    public synchronized List<NodeId> owners() {
        return List.copyOf(ids.keySet());
    }

    @Override
    public int capPerOwner() {
        return capPerOwner;
    }

    @Override
    public void close() {
        log.close();
    }

    /** Drops {@code id} from the owner's index; false when it was not there. The caller holds the lock. */
    private boolean forget(NodeId owner, long id) {
        NavigableSet<Long> queue = ids.get(owner);
        if (queue == null || !queue.remove(id)) {
            return false;
        }
        total--;
        if (queue.isEmpty()) {
            ids.remove(owner);
        }
        return true;
    }

    private static byte[] key(NodeId owner, long id) {
        byte[] name = owner.value().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(name.length + 1 + Long.BYTES).put(name).put(SEPARATOR).putLong(id).array();
    }
}
