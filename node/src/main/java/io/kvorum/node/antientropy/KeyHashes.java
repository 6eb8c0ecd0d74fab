package io.kvorum.node.antientropy;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.node.message.PeerMessage.KeyHash;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pure steps of anti-entropy's per-key comparison: which of the differing leaves one request
 * offers within the byte budget, which keys two sides' entry hashes say must move each way, and the
 * wire sizes those budgets count.
 */
final class KeyHashes {
    /** Bytes a leaf's range takes in a request (two longs). */
    static final long LEAF_BYTES = 16;

    private KeyHashes() {}

    /** The leaves a request offers, the initiator's hashes of their keys in ascending key order, and the bytes both take. */
    record Offer(List<TokenRange> leaves, List<KeyHash> hashes, long bytes) {
        Offer {
            leaves = List.copyOf(leaves);
            hashes = List.copyOf(hashes);
        }
    }

    /** The keys whose states the side that compared must send, and those it wants from the other side. */
    record Difference(List<Key> toSend, List<Key> wanted) {
        Difference {
            toSend = List.copyOf(toSend);
            wanted = List.copyOf(wanted);
        }
    }

    /**
     * Whole leaves, in order, while their ranges and hashes fit in {@code maxBytes} (the first leaf
     * always, so every exchange makes progress). Only whole leaves: the peer reads a key missing from
     * an offered leaf as one the initiator lacks, so a leaf cut short would ship states for nothing.
     * The leaves left out still differ at the next exchange.
     */
    static Offer offer(List<TokenRange> leaves, List<List<KeyHash>> perLeaf, long maxBytes) {
        List<TokenRange> offered = new ArrayList<>();
        List<KeyHash> hashes = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < leaves.size(); i++) {
            long leafBytes = LEAF_BYTES;
            for (KeyHash hash : perLeaf.get(i)) {
                leafBytes += bytesOf(hash);
            }
            if (!offered.isEmpty() && bytes + leafBytes > maxBytes) {
                break;
            }
            bytes += leafBytes;
            offered.add(leaves.get(i));
            hashes.addAll(perLeaf.get(i));
        }
        hashes.sort(Comparator.comparing(KeyHash::key));
        return new Offer(offered, hashes, bytes);
    }

    /**
     * The difference seen from {@code mine}'s side, both lists in strictly ascending key order: a key
     * both hold with equal hashes moves nowhere; with different hashes it moves both ways (each side
     * merges the other's state, so concurrent versions end as siblings on both); a key only one side
     * holds moves to the other.
     */
    static Difference compare(List<KeyHash> mine, List<KeyHash> theirs) {
        List<Key> toSend = new ArrayList<>();
        List<Key> wanted = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < mine.size() || j < theirs.size()) {
            int order = i == mine.size() ? 1 : j == theirs.size() ? -1 : mine.get(i).key().compareTo(theirs.get(j).key());
            if (order < 0) {
                toSend.add(mine.get(i++).key());
            } else if (order > 0) {
                wanted.add(theirs.get(j++).key());
            } else {
                KeyHash own = mine.get(i++);
                KeyHash other = theirs.get(j++);
                if (own.high() != other.high() || own.low() != other.low()) {
                    toSend.add(own.key());
                    wanted.add(own.key());
                }
            }
        }
        return new Difference(toSend, wanted);
    }

    /** All ranges' hashes in one list in ascending key order. */
    static List<KeyHash> flatten(List<List<KeyHash>> perRange) {
        List<KeyHash> all = new ArrayList<>();
        perRange.forEach(all::addAll);
        all.sort(Comparator.comparing(KeyHash::key));
        return all;
    }

    /** True when every key comes after the one before it (so no key is listed twice). */
    static boolean strictlyAscending(List<KeyHash> hashes) {
        for (int i = 1; i < hashes.size(); i++) {
            if (hashes.get(i - 1).key().compareTo(hashes.get(i).key()) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A key hash on the wire: the key with its length prefix and two longs. */
    static long bytesOf(KeyHash hash) {
        return bytesOf(hash.key()) + 16;
    }

    /** A key on the wire, with its length prefix. */
    static long bytesOf(Key key) {
        return key.utf8().length() + 2L;
    }

    /** The bytes of a list of keys on the wire. */
    static long bytesOf(List<Key> keys) {
        long bytes = 0;
        for (Key key : keys) {
            bytes += bytesOf(key);
        }
        return bytes;
    }
}
