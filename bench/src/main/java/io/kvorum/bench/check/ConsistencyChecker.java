package io.kvorum.bench.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Judges reads and the final state of every written key against the real-time order of writes.
 *
 * <p>Write X <em>precedes</em> write W when X was acknowledged before W was invoked. A read (or the
 * final read-back) that returns the set V of values is judged against the acknowledged write W that
 * was invoked last among those acknowledged before the read began: it is stale (for the final
 * read-back: W is lost) when every value in V comes from a write that precedes W, or V is empty.
 * A value from a write still in flight or whose outcome is unknown (503, timeout) never precedes
 * anything; a value this run did not write precedes everything. This is lenient towards concurrency
 * (overlapping writes may be ordered either way) and strict about real time, so with R + W > N and no
 * faults both counts must be zero. Thread-safe: each key's history is guarded by its own lock.
 */
public final class ConsistencyChecker {

    private static final int EXAMPLES_MAX = 10;

    private static final class Write {
        final long invokeNanos;
        long ackNanos = Long.MAX_VALUE; // until acknowledged: in flight, or indeterminate
        boolean acknowledged;
        boolean failed;

        Write(long invokeNanos) {
            this.invokeNanos = invokeNanos;
        }
    }

    private static final class History {
        final Map<String, Write> writesByTag = new HashMap<>();
        final List<Write> acknowledgedInOrder = new ArrayList<>(); // by acknowledgement, oldest first
    }

    private final Map<String, History> histories = new ConcurrentHashMap<>();
    private final AtomicLong readsChecked = new AtomicLong();
    private final AtomicLong staleReads = new AtomicLong();
    private final List<String> examples = new ArrayList<>();

    /** A write of the value tagged {@code tag} to {@code key} was sent at {@code nowNanos}. */
    public void writeInvoked(String key, String tag, long nowNanos) {
        History history = histories.computeIfAbsent(key, k -> new History());
        synchronized (history) {
            history.writesByTag.put(tag, new Write(nowNanos));
        }
    }

    /** The write tagged {@code tag} was acknowledged (200) at {@code nowNanos}. */
    public void writeAcknowledged(String key, String tag, long nowNanos) {
        History history = histories.get(key);
        synchronized (history) {
            Write write = history.writesByTag.get(tag);
            write.ackNanos = nowNanos;
            write.acknowledged = true;
            history.acknowledgedInOrder.add(write);
        }
    }

    /** The write tagged {@code tag} failed: it may or may not have been stored. */
    public void writeFailed(String key, String tag) {
        History history = histories.get(key);
        synchronized (history) {
            history.writesByTag.get(tag).failed = true;
        }
    }

    /** A read of {@code key} invoked at {@code invokeNanos} returned values with {@code tags} (empty: 404). */
    public void readCompleted(String key, long invokeNanos, Collection<String> tags) {
        History history = histories.get(key);
        if (history == null) {
            return; // this run never wrote the key: nothing to judge against
        }
        readsChecked.incrementAndGet();
        synchronized (history) {
            Write newest = newestAcknowledgedBefore(history, invokeNanos);
            if (newest != null && allPrecede(history, tags, newest)) {
                staleReads.incrementAndGet();
                example("stale read of " + key + ": returned " + new TreeSet<>(tags)
                        + " after a newer write was acknowledged");
            }
        }
    }

    /** Keys this run wrote (the ones the final read-back must cover). */
    public List<String> writtenKeys() {
        return new ArrayList<>(new TreeSet<>(histories.keySet()));
    }

    /**
     * The report, given the final read-back: for each written key the tags it returned, or null when
     * the read-back failed.
     */
    public CheckReport report(Map<String, Collection<String>> finalReads) {
        long lost = 0;
        long acknowledged = 0;
        long indeterminate = 0;
        long unreadable = 0;
        for (Map.Entry<String, History> entry : histories.entrySet()) {
            History history = entry.getValue();
            Collection<String> tags = finalReads.get(entry.getKey());
            synchronized (history) {
                for (Write write : history.writesByTag.values()) {
                    acknowledged += write.acknowledged ? 1 : 0;
                    indeterminate += write.failed && !write.acknowledged ? 1 : 0;
                }
                if (tags == null) {
                    unreadable++;
                    continue;
                }
                long lostHere = lostWrites(history, tags);
                if (lostHere > 0) {
                    example(lostHere + " acknowledged write(s) of " + entry.getKey() + " lost: read back "
                            + new TreeSet<>(tags));
                }
                lost += lostHere;
            }
        }
        synchronized (examples) {
            return new CheckReport(histories.size(), readsChecked.get(), staleReads.get(), acknowledged,
                    indeterminate, lost, unreadable, examples);
        }
    }

    private static long lostWrites(History history, Collection<String> tags) {
        long lost = 0;
        for (Write write : history.writesByTag.values()) {
            if (write.acknowledged && allPrecede(history, tags, write)) {
                lost++;
            }
        }
        return lost;
    }

    /**
     * Scans back from the newest acknowledgement; it may stop at a write acknowledged before the best
     * candidate was invoked, since every earlier write was also invoked before that.
     */
    private static Write newestAcknowledgedBefore(History history, long invokeNanos) {
        Write newest = null;
        List<Write> acknowledged = history.acknowledgedInOrder;
        for (int i = acknowledged.size() - 1; i >= 0; i--) {
            Write write = acknowledged.get(i);
            if (newest != null && write.ackNanos < newest.invokeNanos) {
                break;
            }
            if (write.ackNanos < invokeNanos && (newest == null || write.invokeNanos > newest.invokeNanos)) {
                newest = write;
            }
        }
        return newest;
    }

    /** True when every returned value comes from a write that finished before {@code write} began. */
    private static boolean allPrecede(History history, Collection<String> tags, Write write) {
        for (String tag : tags) {
            Write returned = history.writesByTag.get(tag);
            boolean precedes = returned == null || returned.ackNanos < write.invokeNanos;
            if (!precedes) {
                return false;
            }
        }
        return true;
    }

    private void example(String text) {
        synchronized (examples) {
            if (examples.size() < EXAMPLES_MAX) {
                examples.add(text);
            }
        }
    }
}
