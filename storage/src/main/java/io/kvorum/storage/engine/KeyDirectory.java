package io.kvorum.storage.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The in-memory map from every stored key to its newest record's {@link Location} (Bitcask's keydir).
 *
 * <p>Design note. A {@code ConcurrentHashMap<Key, Location>} costs about 150 bytes per key beyond
 * the key's bytes (node, key wrappers, boxed location). This is instead 256 shards of open-addressing
 * tables made of parallel primitive arrays: per slot a reference to the key's bytes, its hash, the
 * location packed in a long (segment handle, offset) and the length; with linear probing, a load
 * factor of at most 3/4 and backward-shift deletion (no tombstone slots). That is 20 bytes per slot
 * (40 with anti-entropy's 20, below), about 70 per key at the average load, plus the 16-byte header
 * of each key's array: 124 bytes a key with YCSB's 23-byte keys, as {@code storage.keydir-heap-bytes}
 * measured at 100,000 and at 1,000,000 keys. Each shard
 * guards its arrays with its own monitor for a few dozen nanoseconds per call, so readers never
 * meet a global lock. Nothing is ever copied to the caller but a fresh {@link Location}.
 *
 * <p>Each slot also keeps what anti-entropy needs of the key, so that building a Merkle tree reads
 * no state: the newest wall time of the record (from the write, or the hint file at start-up;
 * whole seconds, 4 bytes) and the key's Merkle entry hash (16 bytes), which a write clears and
 * the next tree build fills in (see {@link #forEachSummary}). Before this, every build read and
 * hashed every key's state: on a YCSB run over 100,000 keys that was about 40% of each node's CPU
 * samples and most of its garbage.
 */
final class KeyDirectory {
    private static final int SHARDS = 256;
    private static final int INITIAL_CAPACITY = 16;

    private final Shard[] shards = new Shard[SHARDS];

    KeyDirectory() {
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    Location get(byte[] key) {
        int hash = hash(key);
        return shard(hash).get(key, hash);
    }

    /**
     * Stores {@code location} for {@code key} (which the directory then owns and never changes), with
     * the record's newest wall time, and returns the previous location. The entry hash is unknown
     * until the next tree build.
     */
    Location put(byte[] key, Location location, long wallMillis) {
        int hash = hash(key);
        return shard(hash).put(key, hash, location, null, wallMillis);
    }

    /** Replaces the location only if it is still {@code expected} (compaction's move). */
    boolean replace(byte[] key, Location expected, Location location) {
        int hash = hash(key);
        return shard(hash).put(key, hash, location, expected, 0) != null;
    }

    Location remove(byte[] key) {
        int hash = hash(key);
        return shard(hash).remove(key, hash, null);
    }

    /** Removes the key only if its location is still {@code expected}. */
    boolean remove(byte[] key, Location expected) {
        int hash = hash(key);
        return shard(hash).remove(key, hash, expected) != null;
    }

    long size() {
        long size = 0;
        for (Shard shard : shards) {
            size += shard.size();
        }
        return size;
    }

    /** Visits a snapshot of each shard in turn: keys written meanwhile may or may not be seen. */
    void forEach(BiConsumer<byte[], Location> visitor) {
        for (Shard shard : shards) {
            shard.snapshot().forEach(entry -> visitor.accept(entry.key, entry.location));
        }
    }

    /** One key as {@link #forEachSummary} sees it; the key's array is the directory's own: never change it. */
    @FunctionalInterface
    interface SummaryVisitor {
        /** @param digestHigh with {@code digestLow}, the entry hash; both 0 when unknown */
        void visit(byte[] key, long position, int length, long wallMillis, long digestHigh, long digestLow);
    }

    /** Visits a copy of each shard's slots in turn, without a {@link Location} or other object per key. */
    void forEachSummary(SummaryVisitor visitor) {
        for (Shard shard : shards) {
            shard.visitCopy(visitor);
        }
    }

    /** Records the entry hash of the key's record at {@code position}, unless the key has moved on since. */
    void setDigest(byte[] key, long position, long high, long low) {
        int hash = hash(key);
        shard(hash).setDigest(key, hash, position, high, low);
    }

    /** The heap this directory holds: its arrays plus every key array (header, bytes, padding). */
    long heapBytes() {
        long bytes = 0;
        for (Shard shard : shards) {
            bytes += shard.heapBytes();
        }
        return bytes;
    }

    /** The key arrays' own bytes, which the per-key overhead figure leaves out. */
    long keyBytes() {
        long[] total = {0};
        forEach((key, location) -> total[0] += key.length);
        return total[0];
    }

    /** A location's segment and offset in one long, as {@link #forEachSummary} and {@link #setDigest} give and take them. */
    static long pack(Location location) {
        return (long) location.segment() << 32 | (location.offset() & 0xFFFFFFFFL);
    }

    private Shard shard(int hash) {
        return shards[(hash >>> 24) & (SHARDS - 1)];
    }

    /** A 32-bit FNV-1a over the key, with a final avalanche so the low bits used for slots are mixed too. */
    static int hash(byte[] key) {
        int h = 0x811c9dc5;
        for (byte b : key) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    private record Entry(byte[] key, Location location) {}

    private static final class Shard {
        private byte[][] keys = new byte[INITIAL_CAPACITY][];
        private int[] hashes = new int[INITIAL_CAPACITY];
        private long[] positions = new long[INITIAL_CAPACITY];
        private int[] lengths = new int[INITIAL_CAPACITY];
        /** Newest wall time in whole seconds, unsigned (good until 2106). */
        private int[] wallSeconds = new int[INITIAL_CAPACITY];
        private long[] digestHighs = new long[INITIAL_CAPACITY];
        private long[] digestLows = new long[INITIAL_CAPACITY];
        private int count;
        private long keyArrayBytes; // kept as keys come and go, so the heap figure costs no walk

        synchronized Location get(byte[] key, int hash) {
            int slot = find(key, hash);
            return slot < 0 ? null : location(slot);
        }

        /** With {@code expected} (a compaction's move): the same record elsewhere, so its wall time and hash stay. */
        synchronized Location put(byte[] key, int hash, Location location, Location expected, long wallMillis) {
            int slot = find(key, hash);
            if (slot >= 0) {
                Location old = location(slot);
                if (expected != null && !expected.equals(old)) {
                    return null;
                }
                positions[slot] = pack(location);
                lengths[slot] = location.length();
                if (expected == null) {
                    wallSeconds[slot] = seconds(wallMillis);
                    digestHighs[slot] = 0;
                    digestLows[slot] = 0;
                }
                return old;
            }
            if (expected != null) {
                return null;
            }
            if ((count + 1) * 4L > keys.length * 3L) {
                grow();
            }
            insert(key, hash, pack(location), location.length(), seconds(wallMillis), 0, 0);
            count++;
            keyArrayBytes += arrayBytes(key.length, 1);
            return null;
        }

        synchronized Location remove(byte[] key, int hash, Location expected) {
            int slot = find(key, hash);
            if (slot < 0) {
                return null;
            }
            Location old = location(slot);
            if (expected != null && !expected.equals(old)) {
                return null;
            }
            keyArrayBytes -= arrayBytes(keys[slot].length, 1);
            deleteSlot(slot);
            count--;
            return old;
        }

        synchronized int size() {
            return count;
        }

        synchronized List<Entry> snapshot() {
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != null) {
                    entries.add(new Entry(keys[i], location(i)));
                }
            }
            return entries;
        }

        void visitCopy(SummaryVisitor visitor) {
            byte[][] keysCopy;
            long[] positionsCopy;
            int[] lengthsCopy;
            int[] wallsCopy;
            long[] highsCopy;
            long[] lowsCopy;
            synchronized (this) {
                keysCopy = keys.clone();
                positionsCopy = positions.clone();
                lengthsCopy = lengths.clone();
                wallsCopy = wallSeconds.clone();
                highsCopy = digestHighs.clone();
                lowsCopy = digestLows.clone();
            }
            for (int i = 0; i < keysCopy.length; i++) {
                if (keysCopy[i] != null) {
                    visitor.visit(keysCopy[i], positionsCopy[i], lengthsCopy[i], Integer.toUnsignedLong(wallsCopy[i]) * 1000,
                            highsCopy[i], lowsCopy[i]);
                }
            }
        }

        synchronized void setDigest(byte[] key, int hash, long position, long high, long low) {
            int slot = find(key, hash);
            if (slot >= 0 && positions[slot] == position) {
                digestHighs[slot] = high;
                digestLows[slot] = low;
            }
        }

        synchronized long heapBytes() {
            return arrayBytes(keys.length, 4) + arrayBytes(hashes.length, 4) + arrayBytes(positions.length, 8)
                    + arrayBytes(lengths.length, 4) + arrayBytes(wallSeconds.length, 4) + arrayBytes(digestHighs.length, 8)
                    + arrayBytes(digestLows.length, 8) + keyArrayBytes;
        }

        private int find(byte[] key, int hash) {
            int mask = keys.length - 1;
            for (int slot = hash & mask; keys[slot] != null; slot = (slot + 1) & mask) {
                if (hashes[slot] == hash && Arrays.equals(keys[slot], key)) {
                    return slot;
                }
            }
            return -1;
        }

        private void insert(byte[] key, int hash, long position, int length, int wall, long high, long low) {
            int mask = keys.length - 1;
            int slot = hash & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            hashes[slot] = hash;
            positions[slot] = position;
            lengths[slot] = length;
            wallSeconds[slot] = wall;
            digestHighs[slot] = high;
            digestLows[slot] = low;
        }

        /** Backward-shift deletion: later entries of the probe run move up so no lookup stops early. */
        private void deleteSlot(int slot) {
            int mask = keys.length - 1;
            int hole = slot;
            for (int next = (hole + 1) & mask; keys[next] != null; next = (next + 1) & mask) {
                int home = hashes[next] & mask;
                boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
                if (movable) {
                    keys[hole] = keys[next];
                    hashes[hole] = hashes[next];
                    positions[hole] = positions[next];
                    lengths[hole] = lengths[next];
                    wallSeconds[hole] = wallSeconds[next];
                    digestHighs[hole] = digestHighs[next];
                    digestLows[hole] = digestLows[next];
                    hole = next;
                }
            }
            keys[hole] = null;
        }

        private void grow() {
            byte[][] oldKeys = keys;
            int[] oldHashes = hashes;
            long[] oldPositions = positions;
            int[] oldLengths = lengths;
            int[] oldWalls = wallSeconds;
            long[] oldHighs = digestHighs;
            long[] oldLows = digestLows;
            int capacity = oldKeys.length * 2;
            keys = new byte[capacity][];
            hashes = new int[capacity];
            positions = new long[capacity];
            lengths = new int[capacity];
            wallSeconds = new int[capacity];
            digestHighs = new long[capacity];
            digestLows = new long[capacity];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    insert(oldKeys[i], oldHashes[i], oldPositions[i], oldLengths[i], oldWalls[i], oldHighs[i], oldLows[i]);
                }
            }
        }

        private Location location(int slot) {
            long p = positions[slot];
            return new Location((int) (p >>> 32), (int) p, lengths[slot]);
        }

        /** Whole seconds, rounded down, as an unsigned int; a time before 1970 counts as 1970. */
        private static int seconds(long wallMillis) {
            return (int) Math.min(0xFFFFFFFFL, Math.max(0, wallMillis / 1000));
        }


        /** A 16-byte array header (compressed class pointers) plus the elements, padded to 8 bytes. */
        private static long arrayBytes(int length, int elementBytes) {
            return (16 + (long) length * elementBytes + 7) & ~7L;
        }
    }
}
