package io.kvorum.node.message;

import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.contextOf;
import static io.kvorum.storage.version.VersionFixtures.dot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.gossip.Digest;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.gossip.MemberInfo;
import io.kvorum.gossip.MemberUpdate;
import io.kvorum.gossip.Status;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import io.kvorum.storage.version.VersionFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@link PeerMessageCodec}: every message type round-trips with realistic states, and every frame
 * that is not an encoding (truncated, extended, bit-flipped, garbage) fails with exactly
 * {@link MalformedException}, never another exception and never a value breaking its invariants.
 */
class PeerMessageCodecTest {
    private static final int VALUE_BYTES_MAX = 1 << 20;
    private static final PeerMessageCodec CODEC = new PeerMessageCodec(VALUE_BYTES_MAX);

    private static final Actor A = actor("node-a");
    private static final Actor A_RESTARTED = actor("node-a", 7);
    private static final Actor B = actor("node-b");
    private static final Actor C = actor("node-c");

    /** 341 three-byte characters and one ASCII letter: exactly {@link Key#MAX_BYTES} bytes of UTF-8. */
    private static final Key LONGEST_KEY = Key.of("€".repeat(341) + "a");
    private static final Key KEY = Key.of("user:42");

    /** A context with gaps: a:1 and a:3 but not a:2 (a cloud dot), b:2 alone (only a cloud dot), c:1. */
    private static final CausalContext CONTEXT_WITH_CLOUD = contextOf(dot(A, 1), dot(A, 3), dot(B, 2), dot(C, 1), dot(A_RESTARTED, 4));

    /** Two concurrent values and a tombstone, whose dots sit in the cloud as well as the prefix. */
    private static final Siblings SIBLINGS_AND_TOMBSTONE = new Siblings(CONTEXT_WITH_CLOUD, List.of(
            Sibling.value(dot(A, 3), bytes("{\"cart\":[1,2]}"), 1_700_000_000_000L),
            Sibling.value(dot(A_RESTARTED, 4), Bytes.EMPTY, 5),
            Sibling.tombstone(dot(B, 2), -1)));

    /** A key deleted everywhere: one tombstone. */
    private static final Siblings TOMBSTONE_ONLY = new Siblings(contextOf(dot(C, 1)), List.of(Sibling.tombstone(dot(C, 1), 3)));

    /** Realistic samples of every message type, the edges included; the first test proves each type has one. */
    static List<PeerMessage> samples() {
        return List.of(
                new ReplicaGetRequest(1, KEY),
                new ReplicaGetRequest(Long.MAX_VALUE, LONGEST_KEY),
                new ReplicaGetResponse(0, Siblings.EMPTY),
                new ReplicaGetResponse(2, SIBLINGS_AND_TOMBSTONE),
                new ReplicaGetResponse(-1, TOMBSTONE_ONLY),
                new ReplicaPutRequest(3, KEY, SIBLINGS_AND_TOMBSTONE),
                new ReplicaPutRequest(4, LONGEST_KEY, Siblings.EMPTY),
                new ReplicaPutResponse(5),
                new ReplicaPutResponse(Long.MIN_VALUE),
                new ReplicaFailure(6, "user:42: java.io.IOException: No space left on device (ENOSPC) — écriture ✗"),
                new ReplicaFailure(7, ""),
                new ReadRepair(KEY, TOMBSTONE_ONLY),
                new ReadRepair(LONGEST_KEY, SIBLINGS_AND_TOMBSTONE),
                new ForwardWriteRequest(8, KEY, Optional.of(bytes("{\"v\":1}")), Optional.of(CONTEXT_WITH_CLOUD), 2, 4_750, 1_700_000_000_000L),
                new ForwardWriteRequest(9, LONGEST_KEY, Optional.empty(), Optional.empty(), 3, 1, 0),
                new ForwardWriteRequest(10, KEY, Optional.of(Bytes.EMPTY), Optional.of(CausalContext.EMPTY), 1, Long.MAX_VALUE, -5),
                new ForwardWriteRequest(11, KEY, Optional.empty(), Optional.of(TOMBSTONE_ONLY.context()), 2, 250, 42),
                new ForwardWriteResponse(12, Optional.of(CONTEXT_WITH_CLOUD), 0, 0),
                new ForwardWriteResponse(13, Optional.of(CausalContext.EMPTY), 0, 0),
                new ForwardWriteResponse(14, Optional.empty(), 3, 1),
                new PeerMessage.Gossip(new GossipMessage.GossipSyn("127.0.0.1:9081",
                        List.of(new Digest(NodeId.of("node-1"), 3, 17), Digest.unknown(NodeId.of("node-2"))), true)),
                new PeerMessage.Gossip(new GossipMessage.GossipAck(List.of(new MemberUpdate(NodeId.of("node-3"), 2, 9,
                        Optional.of(new MemberInfo("10.0.0.3:9081", "10.0.0.3:8081", Status.UP, List.of(-5L, 7L), 9)))),
                        List.of(Digest.unknown(NodeId.of("node-4"))))),
                new PeerMessage.Gossip(new GossipMessage.GossipAck2(List.of(new MemberUpdate(NodeId.of("node-5"), 1, 4, Optional.empty())))));
    }

    private static void assertRoundTrips(PeerMessage message) {
        byte[] encoded = CODEC.encode(message);
        PeerMessage decoded = CODEC.decode(encoded);
        assertEquals(message, decoded);
        assertArrayEquals(encoded, CODEC.encode(decoded), "equal messages encode to equal bytes");
    }

    // ---- coverage and round trips ----

    @Test
    void everyMessageTypeHasARoundTripSample() {
        Set<String> sampled = new TreeSet<>();
        samples().forEach(sample -> sampled.add(sample.getClass().getName()));
        for (Class<?> type : PeerMessage.class.getPermittedSubclasses()) {
            assertTrue(sampled.contains(type.getName()), type.getSimpleName() + " has no sample in samples(): add one");
        }
        assertTrue(PeerMessage.class.getPermittedSubclasses().length >= 8);
    }

    @Test
    void everySampleRoundTrips() {
        samples().forEach(PeerMessageCodecTest::assertRoundTrips);
    }

    @Test
    void valueOfTheMaximumSizeRoundTrips() {
        byte[] value = new byte[VALUE_BYTES_MAX];
        Arrays.fill(value, (byte) '7');
        Siblings state = Siblings.EMPTY.write(VersionFixtures.issuer(A), CausalContext.EMPTY, Optional.of(Bytes.wrapOwned(value)), 9, 50).state();

        assertRoundTrips(new ReplicaPutRequest(1, KEY, state));
        assertRoundTrips(new ForwardWriteRequest(2, KEY, Optional.of(Bytes.wrapOwned(value)), Optional.empty(), 2, 1000, 9));
    }

    @Test
    void randomMessagesRoundTrip() {
        Seeds.forEach(0xC0DE_C001L, 500, (seed, random) -> assertRoundTrips(randomMessage(random)));
    }

    // ---- malformed frames ----

    @Test
    void everyTruncationOfEverySampleIsMalformed() {
        for (PeerMessage sample : samples()) {
            byte[] encoded = CODEC.encode(sample);
            for (int length = 0; length < encoded.length; length++) {
                assertMalformed(Arrays.copyOf(encoded, length), sample + " cut to " + length + " bytes");
            }
        }
    }

    @Test
    void trailingBytesAfterEverySampleAreMalformed() {
        for (PeerMessage sample : samples()) {
            byte[] encoded = CODEC.encode(sample);
            assertMalformed(Arrays.copyOf(encoded, encoded.length + 1), sample + " plus a zero byte");
        }
    }

    @Test
    void unknownTagsAreMalformed() {
        for (int tag : new int[] {0, 9, 0x7F, 0xFF}) {
            assertMalformed(new byte[] {(byte) tag, 0, 0, 0}, "tag " + tag);
        }
    }

    @Test
    void keysThatAreEmptyTooLongOrNotUtf8AreMalformed() {
        assertMalformed(getRequestWithKeyBytes(new byte[0]), "empty key");
        assertMalformed(getRequestWithKeyBytes(new byte[Key.MAX_BYTES + 1]), "key of MAX_BYTES + 1");
        assertMalformed(getRequestWithKeyBytes(new byte[] {(byte) 0xC3, (byte) 0x28}), "invalid UTF-8");
        assertEquals(Key.MAX_BYTES, ((ReplicaGetRequest) CODEC.decode(getRequestWithKeyBytes(LONGEST_KEY.utf8().toByteArray()))).key().utf8().length());
    }

    @Test
    void valueLargerThanTheLimitIsMalformed() {
        PeerMessageCodec small = new PeerMessageCodec(4);
        PeerMessage message = new ForwardWriteRequest(1, KEY, Optional.of(bytes("12345")), Optional.empty(), 1, 10, 10);

        assertMalformed(small, CODEC.encode(message), "a five-byte value under a four-byte limit");
        assertEquals(message, CODEC.decode(CODEC.encode(message)));
    }

    /** Regression: a reason over the decoder's 4096-byte bound made the whole frame undecodable. */
    @Test
    void longFailureReasonIsCutSoTheFrameStillDecodes() {
        ReplicaFailure ascii = (ReplicaFailure) CODEC.decode(CODEC.encode(new ReplicaFailure(1, "x".repeat(10_000))));

        assertEquals("x".repeat(4096), ascii.reason());
        assertEquals(1, ascii.requestId());
    }

    @Test
    void longFailureReasonIsCutAtACharacterBoundary() {
        ReplicaFailure threeByteChars = (ReplicaFailure) CODEC.decode(CODEC.encode(new ReplicaFailure(2, "€".repeat(2_000))));

        assertEquals("€".repeat(4096 / 3), threeByteChars.reason());
    }

    @Test
    void seededFuzzOfMutatedFramesThrowsOnlyMalformed() {
        List<PeerMessage> samples = samples();
        Seeds.forEach(0xF022_0001L, 4000, (seed, random) -> {
            PeerMessage base = random.nextBoolean() ? samples.get(random.nextInt(samples.size())) : randomMessage(random);
            byte[] frame = mutate(random, CODEC.encode(base));
            decodeOrMalformed(frame, "mutated " + base);
        });
    }

    @Test
    void seededGarbageThrowsOnlyMalformed() {
        Seeds.forEach(0x6A2B_0001L, 2000, (seed, random) -> {
            byte[] frame = new byte[random.nextInt(80)];
            random.nextBytes(frame);
            if (frame.length > 0 && random.nextBoolean()) {
                frame[0] = (byte) (1 + random.nextInt(8)); // a valid tag, so the fields are parsed
            }
            decodeOrMalformed(frame, "garbage");
        });
    }

    /** Decodes {@code frame}: a MalformedException is fine; a decoded message must be a valid one; anything else fails. */
    private static void decodeOrMalformed(byte[] frame, String what) {
        PeerMessage decoded;
        try {
            decoded = CODEC.decode(frame);
        } catch (MalformedException expected) {
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(what + ": " + Arrays.toString(frame) + " threw " + e, e);
        }
        assertEquals(decoded, CODEC.decode(CODEC.encode(decoded)), what + ": decoded into a message that does not round-trip");
    }

    private static void assertMalformed(byte[] frame, String what) {
        assertMalformed(CODEC, frame, what);
    }

    private static void assertMalformed(PeerMessageCodec codec, byte[] frame, String what) {
        try {
            PeerMessage decoded = codec.decode(frame);
            fail(what + ": decoded as " + decoded);
        } catch (MalformedException expected) {
            assertFalse(expected.getMessage() == null || expected.getMessage().isEmpty(), what + ": says what is wrong");
        } catch (RuntimeException e) {
            fail(what + ": threw " + e + " instead of MalformedException", e);
        }
    }

    private static byte[] getRequestWithKeyBytes(byte[] key) {
        return new ByteWriter().writeByte(1).writeVarLong(7).writeBytes(Bytes.copyOf(key)).toByteArray();
    }

    // ---- generators ----

    /** A random message of a random type, with states from a random replicated history. */
    private static PeerMessage randomMessage(RandomGenerator random) {
        long id = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(1_000_000);
        Siblings state = VersionFixtures.randomReplicas(random, 3, random.nextInt(20)).get(random.nextInt(3));
        Key key = Key.of("k" + VersionFixtures.randomBytes(random, 40).toString());
        return switch (random.nextInt(8)) {
            case 0 -> new ReplicaGetRequest(id, key);
            case 1 -> new ReplicaGetResponse(id, state);
            case 2 -> new ReplicaPutRequest(id, key, state);
            case 3 -> new ReplicaPutResponse(id);
            case 4 -> new ReplicaFailure(id, "failed " + random.nextInt());
            case 5 -> new ReadRepair(key, state);
            case 6 -> new ForwardWriteRequest(id, key,
                    random.nextBoolean() ? Optional.of(VersionFixtures.randomBytes(random, 64)) : Optional.empty(),
                    random.nextBoolean() ? Optional.of(state.context()) : Optional.empty(),
                    1 + random.nextInt(5), random.nextLong(1, 60_000), random.nextLong());
            default -> new ForwardWriteResponse(id, random.nextBoolean() ? Optional.of(state.context()) : Optional.empty(),
                    random.nextInt(6), random.nextInt(6));
        };
    }

    /** One to four random corruptions: bit flips, overwritten, inserted or deleted bytes, or a cut. */
    private static byte[] mutate(RandomGenerator random, byte[] encoded) {
        byte[] frame = encoded;
        int corruptions = 1 + random.nextInt(4);
        for (int i = 0; i < corruptions && frame.length > 0; i++) {
            int at = random.nextInt(frame.length);
            List<Byte> bytes = new ArrayList<>();
            for (byte b : frame) {
                bytes.add(b);
            }
            switch (random.nextInt(5)) {
                case 0 -> bytes.set(at, (byte) (frame[at] ^ (1 << random.nextInt(8))));
                case 1 -> bytes.set(at, (byte) random.nextInt(256));
                case 2 -> bytes.add(at, (byte) random.nextInt(256));
                case 3 -> bytes.remove(at);
                default -> bytes.subList(at, bytes.size()).clear();
            }
            frame = new byte[bytes.size()];
            for (int j = 0; j < frame.length; j++) {
                frame[j] = bytes.get(j);
            }
        }
        return frame;
    }
}
