package io.kvorum.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Murmur3Test {
    /** The published MurmurHash3_x64_128 vectors (Guava's {@code Murmur3Hash128Test}, checked against the C++ reference). */
    @ParameterizedTest(name = "seed {0}: \"{3}\"")
    @CsvSource(delimiter = '|', value = {
        "0 | 0x629942693e10f867 | 0x92db0b82baeb5347 | hell",
        "1 | 0xa78ddff5adae8d10 | 0x128900ef20900135 | hello",
        "2 | 0x8a486b23f422e826 | 0xf962a2c58947765f | 'hello '",
        "3 | 0x2ea59f466f6bed8c | 0xc610990acc428a17 | hello w",
        "4 | 0x79f6305a386c572c | 0x46305aed3483b94e | hello wo",
        "5 | 0xc2219d213ec1f1b5 | 0xa1d8e2e0a52785bd | hello wor",
        "0 | 0xe34bbc7bbc071b6c | 0x7a433ca9c49a9347 | The quick brown fox jumps over the lazy dog",
        "0 | 0x658ca970ff85269a | 0x43fee3eaa68e5c3e | The quick brown fox jumps over the lazy cog",
    })
    void matchesPublishedVectors(long seed, String h1Hex, String h2Hex, String input) {
        long[] out = new long[2];
        Murmur3.hash128(Bytes.utf8(input), seed, out);
        assertEquals(Long.parseUnsignedLong(h1Hex.substring(2), 16), out[0], "h1 of '" + input + "'");
        assertEquals(Long.parseUnsignedLong(h2Hex.substring(2), 16), out[1], "h2 of '" + input + "'");
    }

    /**
     * SMHasher's verification value for MurmurHash3_x64_128 (0x6384BA69): hash the keys {}, {0}, {0,1},
     * ... {0..254} with seeds 256 - length, hash the 256 concatenated results with seed 0, and read the
     * first four bytes little-endian. Every input length 0..255 and every byte value, including the tail
     * bytes >= 0x80 that trip sign-extending ports, goes through it.
     */
    @Test
    void matchesSmhasherVerificationValue() {
        byte[] key = new byte[256];
        byte[] hashes = new byte[16 * 256];
        long[] out = new long[2];
        for (int i = 0; i < 256; i++) {
            key[i] = (byte) i;
            Murmur3.hash128(Bytes.copyOf(key, 0, i), 256 - i, out);
            putLittleEndian(hashes, i * 16, out[0]);
            putLittleEndian(hashes, i * 16 + 8, out[1]);
        }
        Murmur3.hash128(Bytes.wrapOwned(hashes), 0, out);
        assertEquals(0x6384BA69L, out[0] & 0xffffffffL);
    }

    @Test
    void partitionerTokenIsTheFirstHalfWithSeedZero() {
        Key key = Key.of("The quick brown fox jumps over the lazy dog");
        assertEquals(0xe34bbc7bbc071b6cL, Murmur3Partitioner.INSTANCE.token(key));
        assertEquals(Murmur3.hash64(key.utf8(), 0), Murmur3Partitioner.INSTANCE.token(key));
    }

    @Test
    void tokenOfAKeyIsStable() {
        // Pinned: a change here re-homes every stored key, so it must never happen by accident.
        assertEquals(0x629942693e10f867L, Murmur3Partitioner.INSTANCE.token(Key.of("hell")));
        Key key = Key.of("user:42");
        assertEquals(Murmur3Partitioner.INSTANCE.token(key), Murmur3Partitioner.INSTANCE.token(Key.of("user:42")));
    }

    @Test
    void tokenOfANonAsciiKeyHashesItsUtf8Bytes() {
        // "é" is 0xc3 0xa9, in the tail: the bytes >= 0x80 are covered by the SMHasher value above.
        Key accented = Key.of("aaaaaaé");
        assertEquals(8, accented.utf8().length());
        long[] viaBytes = new long[2];
        Murmur3.hash128(Bytes.copyOf("aaaaaaé".getBytes(StandardCharsets.UTF_8)), 0, viaBytes);
        assertEquals(viaBytes[0], Murmur3Partitioner.INSTANCE.token(accented));
        assertNotEquals(Murmur3Partitioner.INSTANCE.token(Key.of("aaaaaae")), Murmur3Partitioner.INSTANCE.token(accented));
    }

    private static void putLittleEndian(byte[] target, int offset, long value) {
        for (int i = 0; i < 8; i++) {
            target[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
