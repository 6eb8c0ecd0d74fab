package io.kvorum.node.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.storage.version.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyHashes}: the per-key comparison against a map-based reference on seeded random lists,
 * and the offer of whole leaves within the byte bound.
 */
class KeyHashesTest {
    private static KeyHash hash(String key, long high, long low) {
        return new KeyHash(Key.of(key), high, low);
    }

    @Test
    void equalHashesMoveNothingDifferentOnesMoveBothWaysAndMissingOnesMoveToTheSideThatLacksThem() {
        List<KeyHash> mine = List.of(hash("a", 1, 1), hash("b", 2, 2), hash("c", 3, 3), hash("e", 5, 5));
        List<KeyHash> theirs = List.of(hash("b", 2, 2), hash("c", 3, 4), hash("d", 4, 4), hash("e", 6, 5));

        KeyHashes.Difference difference = KeyHashes.compare(mine, theirs);

        assertEquals(List.of(Key.of("a"), Key.of("c"), Key.of("e")), difference.toSend());
        assertEquals(List.of(Key.of("c"), Key.of("d"), Key.of("e")), difference.wanted());
    }

    @Test
    void compareAgreesWithAMapReferenceOnRandomLists() {
        Seeds.forEach(0xAE_4A54L, 2_000, (seed, random) -> {
            Map<Key, KeyHash> mine = new TreeMap<>();
            Map<Key, KeyHash> theirs = new TreeMap<>();
            for (int i = random.nextInt(30); i > 0; i--) {
                Key key = Key.of("k" + random.nextInt(40));
                long hash = random.nextInt(3);
                switch (random.nextInt(3)) {
                    case 0 -> mine.put(key, new KeyHash(key, hash, 0));
                    case 1 -> theirs.put(key, new KeyHash(key, hash, 0));
                    default -> {
                        mine.put(key, new KeyHash(key, hash, 0));
                        theirs.put(key, new KeyHash(key, 0, random.nextInt(2)));
                    }
                }
            }
            List<Key> toSend = new ArrayList<>();
            List<Key> wanted = new ArrayList<>();
            TreeMap<Key, Boolean> all = new TreeMap<>();
            mine.keySet().forEach(key -> all.put(key, true));
            theirs.keySet().forEach(key -> all.put(key, true));
            for (Key key : all.keySet()) {
                KeyHash own = mine.get(key);
                KeyHash other = theirs.get(key);
                boolean differ = own == null || other == null || !own.equals(other);
                if (own != null && differ) {
                    toSend.add(key);
                }
                if (other != null && differ) {
                    wanted.add(key);
                }
            }

            KeyHashes.Difference difference = KeyHashes.compare(List.copyOf(mine.values()), List.copyOf(theirs.values()));

            assertEquals(toSend, difference.toSend(), "mine " + mine.values() + " theirs " + theirs.values());
            assertEquals(wanted, difference.wanted(), "mine " + mine.values() + " theirs " + theirs.values());
        });
    }

    @Test
    void anOfferTakesWholeLeavesWhileTheyFitAndAlwaysTheFirst() {
        List<TokenRange> leaves = List.of(new TokenRange(0, 10), new TokenRange(10, 20), new TokenRange(20, 30));
        List<List<KeyHash>> perLeaf = List.of(List.of(hash("z", 1, 1), hash("m", 1, 1)), List.of(), List.of(hash("a", 2, 2)));
        long first = KeyHashes.LEAF_BYTES + KeyHashes.bytesOf(hash("z", 1, 1)) + KeyHashes.bytesOf(hash("m", 1, 1));
        long third = KeyHashes.LEAF_BYTES + KeyHashes.bytesOf(hash("a", 2, 2));

        KeyHashes.Offer all = KeyHashes.offer(leaves, perLeaf, Long.MAX_VALUE);
        assertEquals(leaves, all.leaves());
        assertEquals(List.of(hash("a", 2, 2), hash("m", 1, 1), hash("z", 1, 1)), all.hashes(), "in ascending key order");
        assertEquals(first + KeyHashes.LEAF_BYTES + third, all.bytes());

        KeyHashes.Offer two = KeyHashes.offer(leaves, perLeaf, first + KeyHashes.LEAF_BYTES + third - 1);
        assertEquals(leaves.subList(0, 2), two.leaves(), "the third leaf does not fit, and is not cut");
        assertEquals(List.of(hash("m", 1, 1), hash("z", 1, 1)), two.hashes());

        KeyHashes.Offer one = KeyHashes.offer(leaves, perLeaf, 1);
        assertEquals(leaves.subList(0, 1), one.leaves(), "the first leaf even over the bound, so every exchange progresses");
        assertEquals(first, one.bytes());
    }

    @Test
    void onlyStrictlyAscendingKeysAreAccepted() {
        assertTrue(KeyHashes.strictlyAscending(List.of()));
        assertTrue(KeyHashes.strictlyAscending(List.of(hash("a", 1, 1), hash("b", 1, 1))));
        assertFalse(KeyHashes.strictlyAscending(List.of(hash("b", 1, 1), hash("a", 1, 1))));
        assertFalse(KeyHashes.strictlyAscending(List.of(hash("a", 1, 1), hash("a", 2, 2))), "a key twice");
    }
}
