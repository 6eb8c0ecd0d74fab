package io.kvorum.storage.hint;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * {@link Hints} kept in memory, for the memory engine and the simulator: the same order, ids and
 * cap as {@link HintStore}, lost when the process ends. {@link #copy()} lets the simulator keep the
 * synced state of a disk apart from what a crash would lose. Thread-safe.
 */
public final class MemoryHintStore implements Hints {
    private final int capPerOwner;
    private final NavigableMap<NodeId, NavigableMap<Long, Hint>> queues = new TreeMap<>(); // guarded by this
    private long nextId = 1; // guarded by this
    private long total; // guarded by this

    /** An empty store holding at most {@code capPerOwner} hints per owner. */
    public MemoryHintStore(int capPerOwner) {
        Invariants.require(capPerOwner >= 1, "capPerOwner must be >= 1, got %d", capPerOwner);
        this.capPerOwner = capPerOwner;
    }

    /** An independent store with the same hints, ids and cap: later changes to either do not show in the other. */
    public synchronized MemoryHintStore copy() {
        MemoryHintStore copy = new MemoryHintStore(capPerOwner);
        for (Map.Entry<NodeId, NavigableMap<Long, Hint>> queue : queues.entrySet()) {
            // Hints are immutable values, so copying the maps that hold them makes the copy independent.
            copy.queues.put(queue.getKey(), new TreeMap<>(queue.getValue()));
        }
        copy.nextId = nextId;
        copy.total = total;
        return copy;
    }

    @Override
    public synchronized boolean append(Hint hint) {
        NavigableMap<Long, Hint> queue = queues.computeIfAbsent(hint.owner(), o -> new TreeMap<>());
        if (queue.size() >= capPerOwner) {
            return false;
        }
        queue.put(nextId++, hint);
        total++;
        return true;
    }

    @Override
    public synchronized List<Entry> hintsFor(NodeId owner, int max) {
        Invariants.require(max >= 0, "max must be >= 0, got %d", max);
        NavigableMap<Long, Hint> queue = queues.get(owner);
        if (queue == null) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>(Math.min(max, queue.size()));
        for (Map.Entry<Long, Hint> stored : queue.entrySet()) {
            if (entries.size() == max) {
                break;
            }
            entries.add(new Entry(stored.getKey(), stored.getValue()));
        }
        return entries;
    }

    @Override
    public synchronized void delete(NodeId owner, List<Long> ids) {
        NavigableMap<Long, Hint> queue = queues.get(owner);
        if (queue == null) {
            return;
        }
        for (long id : ids) {
            if (queue.remove(id) != null) {
                total--;
            }
        }
        if (queue.isEmpty()) {
            queues.remove(owner);
        }
    }

    @Override
    public synchronized int count(NodeId owner) {
        NavigableMap<Long, Hint> queue = queues.get(owner);
        return queue == null ? 0 : queue.size();
    }

    @Override
    public synchronized long total() {
        return total;
    }

    @Override
    public synchronized List<NodeId> owners() {
        return List.copyOf(queues.keySet());
    }

    @Override
    public int capPerOwner() {
        return capPerOwner;
    }

    /** Drops every hint, as the end of the process would. */
    @Override
    public synchronized void close() {
        queues.clear();
        total = 0;
    }
}
