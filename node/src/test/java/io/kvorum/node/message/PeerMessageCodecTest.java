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
import io.kvorum.common.TokenRange;
import io.kvorum.gossip.Digest;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.gossip.MemberInfo;
import io.kvorum.gossip.MemberUpdate;
import io.kvorum.gossip.Status;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyHashesRequest;
import io.kvorum.node.message.PeerMessage.KeyHashesResponse;
import io.kvorum.node.message.PeerMessage.KeyStatesRequest;
import io.kvorum.node.message.PeerMessage.KeyStatesResponse;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReadMode;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.message.PeerMessage.StreamBatch;
import io.kvorum.node.message.PeerMessage.StreamRequest;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.RecentWrites;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
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

    private static final NodeId NODE_B = NodeId.of("node-b");
    private static final Shortfall NO_SHORTFALL = new Shortfall(false, List.of());
    private static final NodeId NODE_D = NodeId.of("node-d");
    /** The longest valid node id: 64 characters. */
    private static final NodeId LONGEST_NODE = NodeId.of("n".repeat(64));
    private static final List<KeyState> ENTRIES = List.of(new KeyState(KEY, SIBLINGS_AND_TOMBSTONE),
            new KeyState(LONGEST_KEY, TOMBSTONE_ONLY), new KeyState(Key.of("gone"), Siblings.EMPTY));
    /** Key hashes in ascending key order, with extreme hash words. */
    private static final List<KeyHash> HASHES = List.of(new KeyHash(Key.of("gone"), 0, 0), new KeyHash(KEY, Long.MIN_VALUE, -1),
            new KeyHash(LONGEST_KEY, Long.MAX_VALUE, 42));
    /** Disjoint ranges, one wrapping past {@code Long.MAX_VALUE}, one a single token. */
    private static final List<TokenRange> RANGES = List.of(new TokenRange(-5, 100), new TokenRange(Long.MAX_VALUE - 3, Long.MIN_VALUE + 7),
            new TokenRange(200, 201));

    /** A tree of {@code range} holding {@code KEY} and {@code LONGEST_KEY} at tokens near both ends of the range. */
    private static MerkleTree tree(TokenRange range, int depth) {
        return MerkleTree.builder(range, depth)
                .add(range.endInclusive(), KEY, SIBLINGS_AND_TOMBSTONE)
                .add(range.startExclusive() + 1, LONGEST_KEY, TOMBSTONE_ONLY)
                .build();
    }

    /** Realistic samples of every message type, the edges included; the first test proves each type has one. */
    static List<PeerMessage> samples() {
        return List.of(
                new ReplicaGetRequest(1, KEY),
                new ReplicaGetRequest(Long.MAX_VALUE, LONGEST_KEY),
                new ReplicaGetRequest(8, KEY, ReadMode.DIGEST),
                new ReplicaGetRequest(Long.MIN_VALUE, LONGEST_KEY, ReadMode.DIGEST),
                new ReplicaDigestResponse(9, Optional.empty()),
                new ReplicaDigestResponse(-9, Optional.of(new MerkleHash(Long.MIN_VALUE, -1))),
                new ReplicaDigestResponse(Long.MAX_VALUE, Optional.of(new MerkleHash(0, 0))),
                new ReplicaGetResponse(0, Siblings.EMPTY),
                new ReplicaGetResponse(2, SIBLINGS_AND_TOMBSTONE),
                new ReplicaGetResponse(-1, TOMBSTONE_ONLY),
                new ReplicaPutRequest(3, KEY, SIBLINGS_AND_TOMBSTONE),
                new ReplicaPutRequest(4, LONGEST_KEY, Siblings.EMPTY),
                new ReplicaPutRequest(15, KEY, SIBLINGS_AND_TOMBSTONE, Optional.of(NODE_B)),
                new ReplicaPutRequest(16, LONGEST_KEY, TOMBSTONE_ONLY, Optional.of(LONGEST_NODE)),
                new ReplicaPutResponse(5),
                new ReplicaPutResponse(Long.MIN_VALUE),
                new ReplicaFailure(6, "user:42: java.io.IOException: No space left on device (ENOSPC) — écriture ✗"),
                new ReplicaFailure(7, ""),
                new ReadRepair(KEY, TOMBSTONE_ONLY),
                new ReadRepair(LONGEST_KEY, SIBLINGS_AND_TOMBSTONE),
                new ForwardWriteRequest(8, KEY, Optional.of(bytes("{\"v\":1}")), Optional.of(CONTEXT_WITH_CLOUD), 2, true, 4_750, 1_700_000_000_000L),
                new ForwardWriteRequest(9, LONGEST_KEY, Optional.empty(), Optional.empty(), 3, false, 1, 0),
                new ForwardWriteRequest(10, KEY, Optional.of(Bytes.EMPTY), Optional.of(CausalContext.EMPTY), 1, true, Long.MAX_VALUE, -5),
                new ForwardWriteRequest(11, KEY, Optional.empty(), Optional.of(TOMBSTONE_ONLY.context()), 2, false, 250, 42),
                new ForwardWriteResponse(12, Optional.of(CONTEXT_WITH_CLOUD),
                        List.of(new Ack(NodeId.of("node-a"), Optional.empty()), new Ack(NODE_D, Optional.of(NODE_B))), 0, 0, NO_SHORTFALL),
                new ForwardWriteResponse(13, Optional.of(CausalContext.EMPTY), List.of(new Ack(LONGEST_NODE, Optional.of(LONGEST_NODE))), 0, 0,
                        NO_SHORTFALL),
                new ForwardWriteResponse(14, Optional.empty(), List.of(), 3, 1, new Shortfall(true, List.of())),
                new ForwardWriteResponse(18, Optional.empty(), List.of(), 2, 0, new Shortfall(false, List.of(), Shortfall.Stored.NOTHING)),
                new ForwardWriteResponse(19, Optional.empty(), List.of(), 2, 0, new Shortfall(true, List.of(), Shortfall.Stored.UNKNOWN)),
                new ForwardWriteResponse(15, Optional.empty(), List.of(), 2, 0, new Shortfall(false, List.of(
                        new Shortfall.Refusal(NODE_B, "write of key k: No space left on device"),
                        new Shortfall.Refusal(LONGEST_NODE, "unreachable (the connection to it failed)")))),
                new ForwardWriteResponse(16, Optional.empty(), List.of(), 0, 0, NO_SHORTFALL,
                        Optional.of(new KeyLimits.Exceeded(KeyLimits.Limit.SIBLINGS, 101, 100))),
                new ForwardWriteResponse(17, Optional.empty(), List.of(), 0, 0, NO_SHORTFALL,
                        Optional.of(new KeyLimits.Exceeded(KeyLimits.Limit.BYTES, Long.MAX_VALUE, 65_536))),
                new HintBatch(17, ENTRIES),
                new HintBatch(Long.MAX_VALUE, List.of()),
                new StreamRequest(21, List.of(TokenRange.FULL_RING), Optional.empty(), 1 << 20),
                new StreamRequest(22, RANGES, Optional.of(LONGEST_KEY), 1),
                new StreamBatch(23, ENTRIES, 3, Optional.empty(), 0),
                new StreamBatch(24, List.of(), 0, Optional.of(KEY), Long.MAX_VALUE),
                new HintBatchAck(18),
                new HintBatchAck(Long.MIN_VALUE),
                new TreeRequest(19, List.of(TokenRange.FULL_RING), MerkleTree.DEFAULT_DEPTH),
                new TreeRequest(20, RANGES, 0),
                new TreeRequest(21, List.of(), MerkleTree.MAX_DEPTH),
                new TreeRequest(21, RANGES, 10, RecentWrites.around(1_700_000_000_000L, 5_000)),
                new TreeResponse(22, List.of(tree(TokenRange.FULL_RING, 4), tree(new TokenRange(0, 3), 6), tree(RANGES.get(1), 0))),
                new TreeResponse(23, List.of()),
                new KeyHashesRequest(24, RANGES, HASHES, 8L << 20, RecentWrites.NONE, 0),
                new KeyHashesRequest(25, List.of(), List.of(), 1, RecentWrites.around(1_700_000_000_000L, 5_000), -7),
                new KeyHashesRequest(25, RANGES, HASHES, 1, new RecentWrites(Long.MIN_VALUE, Long.MAX_VALUE), Long.MAX_VALUE),
                new KeyHashesResponse(26, ENTRIES, List.of(KEY, LONGEST_KEY)),
                new KeyHashesResponse(-26, List.of(), List.of()),
                new KeyStatesRequest(27, ENTRIES),
                new KeyStatesRequest(Long.MIN_VALUE, List.of()),
                new KeyStatesResponse(28),
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
        List<Class<?>> types = messageTypes(PeerMessage.class);
        for (Class<?> type : types) {
            assertTrue(sampled.contains(type.getName()), type.getSimpleName() + " has no sample in samples(): add one");
        }
        assertTrue(types.size() >= 8);
    }

    /** The concrete message records under a sealed type, through its sealed sub-interfaces (Request, Response, OneWay). */
    private static List<Class<?>> messageTypes(Class<?> sealed) {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> type : sealed.getPermittedSubclasses()) {
            if (type.isSealed()) {
                types.addAll(messageTypes(type));
            } else {
                types.add(type);
            }
        }
        return types;
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
        assertRoundTrips(new ForwardWriteRequest(2, KEY, Optional.of(Bytes.wrapOwned(value)), Optional.empty(), 2, true, 1000, 9));
        assertRoundTrips(new HintBatch(3, List.of(new KeyState(KEY, state), new KeyState(LONGEST_KEY, state))));
    }

    @Test
    void randomMessagesRoundTrip() {
        Seeds.forEach(0xC0DE_C001L, 500, (seed, random) -> assertRoundTrips(randomMessage(random)));
    }

    // ---- malformed frames ----

    @Test
    void aTransferBatchWhoseEntriesWereAlteredFailsItsChecksum() {
        byte[] encoded = CODEC.encode(new StreamBatch(23, ENTRIES, 0, Optional.of(KEY), 4));
        int flipped = 0;
        for (int at = encoded.length - 1; at > 12; at -= 7) {
            byte[] damaged = encoded.clone();
            damaged[at] ^= 0x10;
            assertMalformed(damaged, "batch with byte " + at + " flipped");
            flipped++;
        }
        assertTrue(flipped > 3);
    }

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
        for (int tag : new int[] {0, 14, 15, 24, 0x7F, 0xFF}) {
            assertMalformed(new byte[] {(byte) tag, 0, 0, 0}, "tag " + tag);
        }
    }

    @Test
    void aDigestReadKeepsItsModeAndADigestResponseItsPresenceByte() {
        byte[] data = CODEC.encode(new ReplicaGetRequest(7, KEY));
        byte[] digest = CODEC.encode(new ReplicaGetRequest(7, KEY, ReadMode.DIGEST));
        assertEquals(1, data[0], "a data read keeps the old tag and layout");
        assertArrayEquals(Arrays.copyOfRange(data, 1, data.length), Arrays.copyOfRange(digest, 1, digest.length), "only the tag differs");
        assertEquals(ReadMode.DIGEST, ((ReplicaGetRequest) CODEC.decode(digest)).mode());
        assertEquals(3, CODEC.encode(new ReplicaDigestResponse(7, Optional.empty())).length, "tag, id, absent");
        assertEquals(19, CODEC.encode(new ReplicaDigestResponse(7, Optional.of(new MerkleHash(1, 2)))).length, "tag, id, present, 16 bytes");
        for (int presence : new int[] {2, 0x7F, 0xFF}) {
            assertMalformed(new ByteWriter().writeByte(23).writeVarLong(7).writeByte(presence).toByteArray(), "presence byte " + presence);
            assertMalformed(new ByteWriter().writeByte(23).writeVarLong(7).writeByte(presence).writeLong(1).writeLong(2).toByteArray(),
                    "presence byte " + presence + " with a hash");
        }
        assertMalformed(new ByteWriter().writeByte(23).writeVarLong(7).writeByte(0).writeLong(1).writeLong(2).toByteArray(),
                "absent, then a hash anyway");
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
        PeerMessage message = new ForwardWriteRequest(1, KEY, Optional.of(bytes("12345")), Optional.empty(), 1, false, 10, 10);

        assertMalformed(small, CODEC.encode(message), "a five-byte value under a four-byte limit");
        assertEquals(message, CODEC.decode(CODEC.encode(message)));
    }

    @Test
    void merkleDepthOutsideZeroToMaxDepthIsMalformed() {
        assertRoundTrips(new TreeRequest(1, RANGES, MerkleTree.MAX_DEPTH));
        assertMalformed(CODEC.encode(new TreeRequest(1, RANGES, MerkleTree.MAX_DEPTH + 1)), "a tree request one level too deep");
        assertMalformed(CODEC.encode(new TreeRequest(1, RANGES, -1)), "a negative depth");
        byte[] tooDeepTree = new ByteWriter().writeByte(13).writeVarLong(1).writeVarInt(1)
                .writeByte(1).writeLong(Long.MIN_VALUE).writeLong(Long.MIN_VALUE).writeByte(MerkleTree.MAX_DEPTH + 1).toByteArray();
        assertMalformed(tooDeepTree, "a tree response with a tree one level too deep");
        byte[] tooDeepForItsRange = new ByteWriter().writeByte(13).writeVarLong(1).writeVarInt(1)
                .writeByte(1).writeLong(0).writeLong(3).writeByte(5).toByteArray();
        assertMalformed(tooDeepForItsRange, "32 leaves for a range of three tokens");
    }

    @Test
    void treeOfAnotherFormatIsMalformed() {
        byte[] encoded = CODEC.encode(new TreeResponse(1, List.of(tree(TokenRange.FULL_RING, 2))));
        int format = 3; // tag, request id, tree count, then the tree's format byte
        assertEquals(1, encoded[format]);
        encoded[format] = 2;
        assertMalformed(encoded, "tree format 2");
    }

    @Test
    void invalidNodeIdsAreMalformed() {
        for (String bad : new String[] {"node q", "-ode-q", "node/q", ".node-"}) {
            byte[] asHint = splice(CODEC.encode(new ReplicaPutRequest(1, KEY, TOMBSTONE_ONLY, Optional.of(NodeId.of("node-q")))),
                    "node-q", bad);
            assertMalformed(asHint, "a hint for '" + bad + "'");
            byte[] asAck = splice(CODEC.encode(new ForwardWriteResponse(1, Optional.empty(),
                    List.of(new Ack(NodeId.of("node-q"), Optional.empty())), 1, 1, NO_SHORTFALL)), "node-q", bad);
            assertMalformed(asAck, "an acknowledgement from '" + bad + "'");
            byte[] asStandIn = splice(CODEC.encode(new ForwardWriteResponse(1, Optional.empty(),
                    List.of(new Ack(NODE_D, Optional.of(NodeId.of("node-q")))), 1, 1, NO_SHORTFALL)), "node-q", bad);
            assertMalformed(asStandIn, "a stand-in for '" + bad + "'");
        }
        byte[] empty = splice(CODEC.encode(new ReplicaPutRequest(1, KEY, TOMBSTONE_ONLY, Optional.of(NodeId.of("node-q")))), "node-q", "");
        assertMalformed(empty, "an empty node id");
        byte[] tooLong = splice(CODEC.encode(new ForwardWriteResponse(1, Optional.empty(), List.of(new Ack(LONGEST_NODE, Optional.empty())), 1, 1, NO_SHORTFALL)),
                LONGEST_NODE.value(), LONGEST_NODE.value() + "n");
        assertMalformed(tooLong, "a node id of 65 characters");
    }

    @Test
    void aRefusalNamingNoKnownLimitOrNoExcessIsMalformed() {
        byte[] encoded = CODEC.encode(new ForwardWriteResponse(1, Optional.empty(), List.of(), 0, 0, NO_SHORTFALL,
                Optional.of(new KeyLimits.Exceeded(KeyLimits.Limit.SIBLINGS, 3, 2))));
        int limit = encoded.length - 3; // the refusal ends with the limit's byte, then actual and max (one byte each here)
        encoded[limit] = 7;
        assertMalformedSaying(encoded, "unknown key limit 7");
        encoded[limit] = 0;
        encoded[encoded.length - 2] = 1;
        assertMalformedSaying(encoded, "a limit exceeded by 1 of 2 is not exceeded");
    }

    @Test
    void anUnknownWriteFateIsMalformed() {
        byte[] encoded = CODEC.encode(new ForwardWriteResponse(1, Optional.empty(), List.of(), 2, 0, NO_SHORTFALL));
        int fate = encoded.length - 2; // the shortfall ends with the fate's byte, then the refusal's absence
        assertEquals(Shortfall.Stored.MAYBE.ordinal(), encoded[fate]);
        encoded[fate] = 9;
        assertMalformedSaying(encoded, "unknown write fate 9");
    }

    @Test
    void countsOverTheirBoundsAreMalformed() {
        List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            acks.add(new Ack(NodeId.of("node-" + i), Optional.empty()));
        }
        assertRoundTrips(new ForwardWriteResponse(1, Optional.empty(), acks, 1, 1, NO_SHORTFALL));
        acks.add(new Ack(NodeId.of("node-64"), Optional.empty()));
        assertMalformedSaying(CODEC.encode(new ForwardWriteResponse(1, Optional.empty(), acks, 1, 1, NO_SHORTFALL)), "count 65 exceeds 64");

        int entriesMax = 1 << 20;
        for (int tag : new int[] {10, 20}) {
            assertMalformedSaying(new ByteWriter().writeByte(tag).writeVarLong(1).writeVarInt(entriesMax + 1).toByteArray(),
                    "count " + (entriesMax + 1) + " exceeds " + entriesMax);
        }
        int rangesMax = 1 << 16;
        for (int tag : new int[] {12, 13, 18}) {
            assertMalformedSaying(new ByteWriter().writeByte(tag).writeVarLong(1).writeVarInt(rangesMax + 1).toByteArray(),
                    "count " + (rangesMax + 1) + " exceeds " + rangesMax);
        }
        assertMalformedSaying(new ByteWriter().writeByte(18).writeVarLong(1).writeVarInt(0).writeVarInt(entriesMax + 1).toByteArray(),
                "key hash count " + (entriesMax + 1) + " exceeds " + entriesMax);
        assertMalformedSaying(new ByteWriter().writeByte(19).writeVarLong(1).writeVarInt(entriesMax + 1).toByteArray(),
                "count " + (entriesMax + 1) + " exceeds " + entriesMax);
        assertMalformedSaying(new ByteWriter().writeByte(19).writeVarLong(1).writeVarInt(0).writeVarInt(entriesMax + 1).toByteArray(),
                "key count " + (entriesMax + 1) + " exceeds " + entriesMax);
    }

    @Test
    void aRecentWritesWindowThatEndsBeforeItStartsIsMalformed() {
        byte[] frame = CODEC.encode(new TreeRequest(1, RANGES, 3, new RecentWrites(10, 20)));
        // the window's two longs are the frame's last 16 bytes: swap them
        byte[] swapped = frame.clone();
        System.arraycopy(frame, frame.length - 8, swapped, frame.length - 16, 8);
        System.arraycopy(frame, frame.length - 16, swapped, frame.length - 8, 8);
        assertMalformedSaying(swapped, "ends before it starts");
    }

    @Test
    void keyHashesRequestWithoutAPositiveByteBoundIsMalformed() {
        assertMalformed(CODEC.encode(new KeyHashesRequest(1, RANGES, HASHES, 0, RecentWrites.NONE, 0)), "a zero byte bound");
        assertMalformed(CODEC.encode(new KeyHashesRequest(1, RANGES, HASHES, -1, RecentWrites.NONE, 0)), "a negative byte bound");
    }

    @Test
    void truncatedBatchesAndTreesAreMalformed() {
        byte[] batch = CODEC.encode(new HintBatch(1, ENTRIES));
        byte[] trees = CODEC.encode(new TreeResponse(1, List.of(tree(TokenRange.FULL_RING, MerkleTree.DEFAULT_DEPTH))));
        byte[] keys = CODEC.encode(new KeyHashesRequest(1, RANGES, HASHES, 8L << 20, RecentWrites.NONE, 0));

        assertMalformed(Arrays.copyOf(batch, batch.length - 1), "a hint batch missing its last byte");
        assertMalformedSaying(Arrays.copyOf(trees, trees.length - 1), "truncated");
        assertMalformed(Arrays.copyOf(trees, 3 + 18 + 16 * 100), "a tree cut after 100 of its 1024 leaves");
        assertMalformed(Arrays.copyOf(keys, keys.length - 2), "a key-hash request cut inside its ring fingerprint");
    }

    /** {@code frame} with the length-prefixed string {@code from} (found exactly once) replaced by {@code to}. */
    private static byte[] splice(byte[] frame, String from, String to) {
        byte[] old = new ByteWriter().writeString(from).toByteArray();
        byte[] replacement = new ByteWriter().writeString(to).toByteArray();
        int at = indexOf(frame, old, 0);
        assertTrue(at >= 0 && indexOf(frame, old, at + 1) < 0, from + " occurs exactly once");
        byte[] result = new byte[frame.length - old.length + replacement.length];
        System.arraycopy(frame, 0, result, 0, at);
        System.arraycopy(replacement, 0, result, at, replacement.length);
        System.arraycopy(frame, at + old.length, result, at + replacement.length, frame.length - at - old.length);
        return result;
    }

    private static int indexOf(byte[] frame, byte[] part, int from) {
        for (int i = from; i + part.length <= frame.length; i++) {
            if (Arrays.equals(frame, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    private static void assertMalformedSaying(byte[] frame, String what) {
        try {
            PeerMessage decoded = CODEC.decode(frame);
            fail(what + ": decoded as " + decoded);
        } catch (MalformedException expected) {
            assertTrue(expected.getMessage().contains(what), "'" + expected.getMessage() + "' should say '" + what + "'");
        }
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
                frame[0] = (byte) (1 + random.nextInt(15)); // a valid tag, so the fields are parsed
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
        return switch (random.nextInt(21)) {
            case 0 -> new ReplicaGetRequest(id, key);
            case 19 -> new ReplicaGetRequest(id, key, random.nextBoolean() ? ReadMode.DIGEST : ReadMode.DATA);
            case 20 -> new ReplicaDigestResponse(id, random.nextBoolean() ? Optional.empty()
                    : Optional.of(new MerkleHash(random.nextLong(), random.nextLong())));
            case 1 -> new ReplicaGetResponse(id, state);
            case 2 -> new ReplicaPutRequest(id, key, state);
            case 3 -> new ReplicaPutResponse(id);
            case 4 -> new ReplicaFailure(id, "failed " + random.nextInt());
            case 5 -> new ReadRepair(key, state);
            case 6 -> new ForwardWriteRequest(id, key,
                    random.nextBoolean() ? Optional.of(VersionFixtures.randomBytes(random, 64)) : Optional.empty(),
                    random.nextBoolean() ? Optional.of(state.context()) : Optional.empty(),
                    1 + random.nextInt(5), random.nextBoolean(), random.nextLong(1, 60_000), random.nextLong());
            case 7 -> new ForwardWriteResponse(id, random.nextBoolean() ? Optional.of(state.context()) : Optional.empty(),
                    randomAcks(random), random.nextInt(6), random.nextInt(6), new Shortfall(random.nextBoolean(),
                    randomAcks(random).stream().map(ack -> new Shortfall.Refusal(ack.node(), "reason " + random.nextInt())).toList()),
                    random.nextBoolean() ? Optional.empty() : Optional.of(new KeyLimits.Exceeded(KeyLimits.Limit.values()[random.nextInt(2)],
                            1 + random.nextInt(1000), random.nextInt(1))));
            case 8 -> new ReplicaPutRequest(id, key, state, Optional.of(randomNode(random)));
            case 9 -> new HintBatch(id, randomEntries(random));
            case 10 -> new HintBatchAck(id);
            case 11 -> new TreeRequest(id, randomRanges(random), random.nextInt(MerkleTree.MAX_DEPTH + 1), randomRecent(random));
            case 12 -> new TreeResponse(id, randomRanges(random).stream().map(range -> randomTree(random, range)).toList());
            case 13 -> new KeyHashesRequest(id, randomRanges(random), randomHashes(random), random.nextLong(1, Long.MAX_VALUE),
                    randomRecent(random), random.nextLong());
            case 14 -> new StreamRequest(id, randomRanges(random), random.nextBoolean() ? Optional.of(key) : Optional.empty(),
                    random.nextLong(1, Long.MAX_VALUE));
            case 15 -> new StreamBatch(id, randomEntries(random), random.nextInt(1000),
                    random.nextBoolean() ? Optional.of(key) : Optional.empty(), random.nextLong(0, Long.MAX_VALUE));
            case 16 -> new KeyHashesResponse(id, randomEntries(random), randomEntries(random).stream().map(KeyState::key).toList());
            case 17 -> new KeyStatesRequest(id, randomEntries(random));
            default -> new KeyStatesResponse(id);
        };
    }

    private static List<KeyHash> randomHashes(RandomGenerator random) {
        List<KeyHash> hashes = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            hashes.add(new KeyHash(Key.of("k" + VersionFixtures.randomBytes(random, 20).toString()), random.nextLong(), random.nextLong()));
        }
        return hashes;
    }

    private static RecentWrites randomRecent(RandomGenerator random) {
        long from = random.nextLong();
        return random.nextBoolean() ? RecentWrites.NONE : new RecentWrites(from, from + random.nextLong(0, Long.MAX_VALUE - Math.max(0, from)));
    }

    private static NodeId randomNode(RandomGenerator random) {
        return NodeId.of("node-" + random.nextInt(100));
    }

    private static List<Ack> randomAcks(RandomGenerator random) {
        List<Ack> acks = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            acks.add(new Ack(randomNode(random), random.nextBoolean() ? Optional.of(randomNode(random)) : Optional.empty()));
        }
        return acks;
    }

    private static List<KeyState> randomEntries(RandomGenerator random) {
        List<KeyState> entries = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            Siblings state = VersionFixtures.randomReplicas(random, 2, random.nextInt(10)).get(0);
            entries.add(new KeyState(Key.of("k" + VersionFixtures.randomBytes(random, 20).toString()), state));
        }
        return entries;
    }

    /** Up to three ranges between random tokens (the codec does not ask ranges to be disjoint; anti-entropy does). */
    private static List<TokenRange> randomRanges(RandomGenerator random) {
        List<TokenRange> ranges = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            ranges.add(random.nextInt(5) == 0 ? TokenRange.FULL_RING : new TokenRange(random.nextLong(), random.nextLong()));
        }
        return ranges;
    }

    /** A shallow tree of {@code range} holding a few keys. */
    private static MerkleTree randomTree(RandomGenerator random, TokenRange range) {
        MerkleTree.Builder builder = MerkleTree.builder(range, random.nextInt(5));
        for (int i = random.nextInt(4); i > 0; i--) {
            long token = range.endInclusive() - random.nextInt(1000);
            if (range.contains(token)) {
                builder.add(token, Key.of("t" + i), VersionFixtures.randomReplicas(random, 1, 1 + random.nextInt(3)).get(0));
            }
        }
        return builder.build();
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
