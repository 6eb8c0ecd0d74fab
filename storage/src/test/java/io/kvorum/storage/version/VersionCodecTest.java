package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** {@link VersionCodec}: round trips, canonical bytes, and malformed input failing only as {@code MalformedException}. */
class VersionCodecTest {
    private static final int VALUE_BYTES_MAX = 1 << 20;

    @Test
    void emptyStateRoundTrips() {
        assertEquals(Siblings.EMPTY, VersionCodec.decode(VersionCodec.encode(Siblings.EMPTY), VALUE_BYTES_MAX));
    }

    @Test
    void randomStatesRoundTrip() {
        Seeds.forEach(0xC0DE_0001L, 300, (seed, random) -> {
            for (Siblings state : VersionFixtures.randomReplicas(random, 3, random.nextInt(40))) {
                byte[] encoded = VersionCodec.encode(state);
                Siblings decoded = VersionCodec.decode(encoded, VALUE_BYTES_MAX);
                assertEquals(state, decoded);
                assertArrayEquals(encoded, VersionCodec.encode(decoded), "encoding is canonical");
            }
        });
    }

    @Test
    void randomContextsRoundTrip() {
        Seeds.forEach(0xC0DE_0002L, 300, (seed, random) -> {
            CausalContext context = VersionFixtures.randomReplicas(random, 3, random.nextInt(40)).get(0).context();
            ByteWriter out = new ByteWriter();
            VersionCodec.writeContext(out, context);
            ByteReader in = new ByteReader(out.toByteArray());
            assertEquals(context, VersionCodec.readContext(in));
            assertEquals(0, in.remaining());
        });
    }

    @Test
    void equalStatesEncodeToEqualBytes() {
        Seeds.forEach(0xC0DE_0003L, 100, (seed, random) -> {
            List<Siblings> replicas = VersionFixtures.randomReplicas(random, 2, random.nextInt(40));
            Siblings ab = replicas.get(0).merge(replicas.get(1), NO_PRUNING);
            Siblings ba = replicas.get(1).merge(replicas.get(0), NO_PRUNING);
            assertArrayEquals(VersionCodec.encode(ab), VersionCodec.encode(ba));
        });
    }

    @Test
    void decodeRejectsAValueOverTheLimit() {
        Siblings state = Siblings.EMPTY.write(issuer(actor("node-a")), CausalContext.EMPTY, Optional.of(bytes("12345")), 1, NO_PRUNING).state();
        byte[] encoded = VersionCodec.encode(state);

        assertEquals(state, VersionCodec.decode(encoded, 5));
        assertThrows(MalformedException.class, () -> VersionCodec.decode(encoded, 4));
    }

    @Test
    void decodeRejectsTrailingBytes() {
        byte[] encoded = VersionCodec.encode(Siblings.EMPTY);

        assertThrows(MalformedException.class, () -> VersionCodec.decode(Arrays.copyOf(encoded, encoded.length + 1), VALUE_BYTES_MAX));
    }

    @Test
    void decodeRejectsCountsOverTheBounds() {
        byte[] tooManyActors = new ByteWriter().writeVarInt(VersionCodec.MAX_ACTORS + 1).toByteArray();
        byte[] hugeCount = new ByteWriter().writeVarInt(-1).toByteArray();

        assertThrows(MalformedException.class, () -> VersionCodec.decode(tooManyActors, VALUE_BYTES_MAX));
        assertThrows(MalformedException.class, () -> VersionCodec.decode(hugeCount, VALUE_BYTES_MAX));
    }

    @Test
    void everyTruncationOfAValidEncodingIsMalformed() {
        Seeds.forEach(0xC0DE_0004L, 100, (seed, random) -> {
            byte[] encoded = VersionCodec.encode(VersionFixtures.randomReplicas(random, 3, 1 + random.nextInt(20)).get(0));
            for (int length = 0; length < encoded.length; length++) {
                byte[] prefix = Arrays.copyOf(encoded, length);
                assertThrows(MalformedException.class, () -> VersionCodec.decode(prefix, VALUE_BYTES_MAX), "prefix of " + length);
            }
        });
    }

    @Test
    void randomGarbageIsMalformedOrAWellFormedState() {
        Seeds.forEach(0xC0DE_0005L, 4000, (seed, random) -> {
            byte[] input = random.nextInt(4) == 0 ? randomBytes(random) : corrupted(random);
            decodeOrMalformed(input);
        });
    }

    /** Decoding may succeed (a corruption can land in a value) or fail, but only as {@link MalformedException}. */
    private static void decodeOrMalformed(byte[] input) {
        try {
            Siblings decoded = VersionCodec.decode(input, VALUE_BYTES_MAX);
            assertEquals(decoded, VersionCodec.decode(VersionCodec.encode(decoded), VALUE_BYTES_MAX));
        } catch (MalformedException expected) {
            // the one allowed failure
        } catch (RuntimeException e) {
            fail("decode threw " + e + " instead of MalformedException for " + Arrays.toString(input), e);
        }
    }

    private static byte[] randomBytes(RandomGenerator random) {
        byte[] bytes = new byte[random.nextInt(48)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A valid encoding with a few bytes overwritten, inserted or dropped. */
    private static byte[] corrupted(RandomGenerator random) {
        byte[] bytes = VersionCodec.encode(VersionFixtures.randomReplicas(random, 2, 1 + random.nextInt(12)).get(0));
        for (int edits = 1 + random.nextInt(3); edits > 0 && bytes.length > 0; edits--) {
            int at = random.nextInt(bytes.length);
            bytes = switch (random.nextInt(3)) {
                case 0 -> overwrite(bytes, at, random.nextInt(256));
                case 1 -> insert(bytes, at, random.nextInt(256));
                default -> remove(bytes, at);
            };
        }
        return bytes;
    }

    private static byte[] overwrite(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        copy[at] = (byte) value;
        return copy;
    }

    private static byte[] insert(byte[] bytes, int at, int value) {
        byte[] copy = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, copy, 0, at);
        copy[at] = (byte) value;
        System.arraycopy(bytes, at, copy, at + 1, bytes.length - at);
        return copy;
    }

    private static byte[] remove(byte[] bytes, int at) {
        byte[] copy = new byte[bytes.length - 1];
        System.arraycopy(bytes, 0, copy, 0, at);
        System.arraycopy(bytes, at + 1, copy, at, bytes.length - at - 1);
        return copy;
    }
}
