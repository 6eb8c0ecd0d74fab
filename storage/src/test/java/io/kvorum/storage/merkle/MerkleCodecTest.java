package io.kvorum.storage.merkle;

import static io.kvorum.storage.merkle.MerkleFixtures.randomRange;
import static io.kvorum.storage.merkle.MerkleFixtures.randomState;
import static io.kvorum.storage.merkle.MerkleFixtures.tokenIn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.storage.version.Seeds;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link MerkleCodec}: round trips, exact sizes, and malformed input failing only as {@code MalformedException}. */
class MerkleCodecTest {
    private static final long BASE_SEED = 0x3E4C_1C00L;

    @Test
    void randomTreesRoundTrip() {
        System.out.println("MerkleCodecTest base seed " + Long.getLong(Seeds.PROPERTY, BASE_SEED + 1));
        Seeds.forEach(BASE_SEED + 1, 200, (seed, random) -> {
            MerkleTree tree = randomTree(random);
            byte[] bytes = MerkleCodec.encode(tree);
            assertEquals(18 + tree.leafCount() * MerkleHash.BYTES, bytes.length);
            MerkleTree decoded = MerkleCodec.decode(bytes);
            assertEquals(tree, decoded);
            assertEquals(tree.root(), decoded.root());
        });
    }

    @Test
    void defaultDepthFullRingIsSixteenKibibytes() {
        assertEquals(16_402, MerkleCodec.encode(MerkleTree.builder(TokenRange.FULL_RING, MerkleTree.DEFAULT_DEPTH).build()).length);
    }

    @Test
    void innerHashesAreRecomputedFromTheLeaves() {
        MerkleTree tree = MerkleTree.builder(TokenRange.FULL_RING, 3).add(1, Key.of("a"), randomState(new java.util.SplittableRandom(9))).build();
        byte[] bytes = MerkleCodec.encode(tree);
        bytes[bytes.length - 1] ^= 1; // the last leaf
        MerkleTree changed = MerkleCodec.decode(bytes);
        assertNotEquals(tree.root(), changed.root());
        assertEquals(java.util.List.of(tree.leafRange(7)), tree.difference(changed));
    }

    @Test
    void malformedHeadersAreRejected() {
        byte[] valid = MerkleCodec.encode(MerkleTree.builder(new TokenRange(0, 1000), 2).build());
        assertMalformed(withByte(valid, 0, 2), "unknown format");
        assertMalformed(withByte(valid, 17, MerkleTree.MAX_DEPTH + 1), "depth over the bound");
        assertMalformed(withByte(valid, 17, 10), "depth deeper than the range has tokens");
        assertMalformed(Arrays.copyOf(valid, valid.length - 1), "truncated");
        assertMalformed(Arrays.copyOf(valid, valid.length + 1), "trailing byte");
        assertMalformed(new byte[0], "empty");
        ByteWriter huge = new ByteWriter().writeByte(MerkleCodec.FORMAT).writeLong(0).writeLong(0).writeByte(MerkleTree.MAX_DEPTH);
        assertMalformed(huge.toByteArray(), "a claimed 65,536 leaves with no bytes behind them");
    }

    @Test
    void fuzzedInputDecodesOrFailsOnlyAsMalformed() {
        Seeds.forEach(BASE_SEED + 2, 2000, (seed, random) -> {
            byte[] bytes = mutate(random, MerkleCodec.encode(randomTree(random)));
            try {
                MerkleTree decoded = MerkleCodec.decode(bytes);
                assertEquals(decoded, MerkleCodec.decode(MerkleCodec.encode(decoded)));
            } catch (MalformedException expected) {
                // the only failure allowed
            }
        });
    }

    @Test
    void readTreeLeavesTheReaderAfterTheTree() {
        MerkleTree tree = MerkleTree.builder(new TokenRange(-5, 5000), 4).build();
        ByteWriter out = new ByteWriter();
        MerkleCodec.writeTree(out, tree);
        tree.root().writeTo(out);
        ByteReader in = new ByteReader(out.toByteArray());
        assertEquals(tree, MerkleCodec.readTree(in));
        assertEquals(tree.root(), MerkleHash.readFrom(in));
        in.expectEnd();
    }

    private static MerkleTree randomTree(RandomGenerator random) {
        TokenRange range = randomRange(random);
        MerkleTree.Builder builder = MerkleTree.builder(range, random.nextInt(9));
        MerkleTree shape = builder.build();
        for (int n = random.nextInt(20); n > 0; n--) {
            builder.add(tokenIn(random, range, shape), Key.of("k" + n), randomState(random));
        }
        return builder.build();
    }

    private static byte[] mutate(RandomGenerator random, byte[] bytes) {
        byte[] b = bytes.clone();
        switch (random.nextInt(5)) {
            case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 2 -> b = Arrays.copyOf(b, b.length + 1 + random.nextInt(20));
            case 3 -> b[random.nextInt(Math.min(18, b.length))] = (byte) random.nextInt(256);
            default -> {
                b = new byte[random.nextInt(64)];
                random.nextBytes(b);
            }
        }
        return b;
    }

    private static byte[] withByte(byte[] bytes, int at, int value) {
        byte[] b = bytes.clone();
        b[at] = (byte) value;
        return b;
    }

    private static void assertMalformed(byte[] bytes, String what) {
        try {
            MerkleCodec.decode(bytes);
            fail("decoded " + what);
        } catch (MalformedException expected) {
            // as it should
        }
        assertThrows(MalformedException.class, () -> MerkleCodec.decode(bytes), what);
    }
}
