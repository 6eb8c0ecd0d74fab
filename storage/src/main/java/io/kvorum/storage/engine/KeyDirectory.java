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
 * factor of at most 3/4 and backward-shift deletion (no tombstone slots). That is 20 bytes per slot,
 * about 35 per key at the average load, plus the 16-byte header of each key's array. Each shard
 * guards its arrays with its own monitor for a few dozen nanoseconds per call, so readers never
 * meet a global lock. Nothing is ever copied to the caller but a fresh {@link Location}.
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

    /** Stores {@code location} for {@code key} (which the directory then owns) and returns the previous one. */
    Location put(byte[] key, Location location) {
        int hash = hash(key);
        return shard(hash).put(key, hash, location, null);
    }

    /** Replaces the location only if it is still {@code expected} (compaction's move). */
    boolean replace(byte[] key, Location expected, Location location) {
        int hash = hash(key);
        return shard(hash).put(key, hash, location, expected) != null;
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
        private int count;
        private long keyArrayBytes; // kept as keys come and go, so the heap figure costs no walk

        synchronized Location get(byte[] key, int hash) {
            int slot = find(key, hash);
            return slot < 0 ? null : location(slot);
        }

        synchronized Location put(byte[] key, int hash, Location location, Location expected) {
            int slot = find(key, hash);
            if (slot >= 0) {
                Location old = location(slot);
                if (expected != null && !expected.equals(old)) {
                    return null;
                }
                positions[slot] = pack(location);
                lengths[slot] = location.length();
                return old;
            }
            if (expected != null) {
                return null;
            }
            if ((count + 1) * 4L > keys.length * 3L) {
                grow();
            }
            insert(key, hash, pack(location), location.length());
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

        synchronized long heapBytes() {
            return arrayBytes(keys.length, 4) + arrayBytes(hashes.length, 4) + arrayBytes(positions.length, 8)
                    + arrayBytes(lengths.length, 4) + keyArrayBytes;
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

        private void insert(byte[] key, int hash, long position, int length) {
            int mask = keys.length - 1;
            int slot = hash & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            hashes[slot] = hash;
            positions[slot] = position;
            lengths[slot] = length;
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
            int capacity = oldKeys.length * 2;
            keys = new byte[capacity][];
            hashes = new int[capacity];
            positions = new long[capacity];
            lengths = new int[capacity];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != null) {
                    insert(oldKeys[i], oldHashes[i], oldPositions[i], oldLengths[i]);
                }
            }
        }

        private Location location(int slot) {
            long p = positions[slot];
            return new Location((int) (p >>> 32), (int) p, lengths[slot]);
        }

        private static long pack(Location location) {
            return (long) location.segment() << 32 | (location.offset() & 0xFFFFFFFFL);
        }

        /** A 16-byte array header (compressed class pointers) plus the elements, padded to 8 bytes. */
        private static long arrayBytes(int length, int elementBytes) {
            return (16 + (long) length * elementBytes + 7) & ~7L;
        }
    }
}
