package io.kvorum.node.message;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.common.TokenRange;
import io.kvorum.gossip.GossipCodec;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.PeerMessage.Gossip;
import io.kvorum.node.message.PeerMessage.HintBatch;
import io.kvorum.node.message.PeerMessage.HintBatchAck;
import io.kvorum.node.message.PeerMessage.KeyState;
import io.kvorum.node.message.PeerMessage.KeyHash;
import io.kvorum.node.message.PeerMessage.KeyHashesRequest;
import io.kvorum.node.message.PeerMessage.KeyHashesResponse;
import io.kvorum.node.message.PeerMessage.KeyStatesRequest;
import io.kvorum.node.message.PeerMessage.KeyStatesResponse;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaFailure;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.message.PeerMessage.ReplicaPutResponse;
import io.kvorum.node.message.PeerMessage.TreeRequest;
import io.kvorum.node.message.PeerMessage.StreamBatch;
import io.kvorum.node.message.PeerMessage.StreamRequest;
import io.kvorum.node.message.PeerMessage.TreeResponse;
import io.kvorum.storage.merkle.MerkleCodec;
import io.kvorum.storage.merkle.MerkleHash;
import io.kvorum.storage.merkle.MerkleTree;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.VersionCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of {@link PeerMessage}: one tag byte, then the record's fields as varints and
 * length-prefixed bytes (states through {@link VersionCodec}).
 *
 * <p>Why hand-written and not JSON or Java serialization: a replica write is a value of up to
 * 1 MiB plus a few dozen bytes of versions; this layout copies the value once and adds no field
 * names, and decoding validates every bound, so a corrupt or hostile frame is rejected with
 * {@link MalformedException} and never becomes a half-built message.
 */
public final class PeerMessageCodec {
    private static final int REPLICA_GET_REQUEST = 1;
    private static final int REPLICA_GET_RESPONSE = 2;
    private static final int REPLICA_PUT_REQUEST = 3;
    private static final int REPLICA_PUT_RESPONSE = 4;
    private static final int REPLICA_FAILURE = 5;
    private static final int READ_REPAIR = 6;
    private static final int FORWARD_WRITE_REQUEST = 7;
    private static final int FORWARD_WRITE_RESPONSE = 8;
    private static final int GOSSIP = 9;
    private static final int HINT_BATCH = 10;
    private static final int HINT_BATCH_ACK = 11;
    private static final int TREE_REQUEST = 12;
    private static final int TREE_RESPONSE = 13;
    // 14 and 15 were the whole-leaf KeysRequest and KeysResponse: not reused, so a node of an older
    // version gets "unknown message tag" rather than a misread frame.
    private static final int STREAM_REQUEST = 16;
    private static final int STREAM_BATCH = 17;
    private static final int KEY_HASHES_REQUEST = 18;
    private static final int KEY_HASHES_RESPONSE = 19;
    private static final int KEY_STATES_REQUEST = 20;
    private static final int KEY_STATES_RESPONSE = 21;
    /** A {@link ReplicaGetRequest} in {@link PeerMessage.ReadMode#DIGEST} mode; {@link #REPLICA_GET_REQUEST} is the DATA mode. */
    private static final int REPLICA_DIGEST_REQUEST = 22;
    private static final int REPLICA_DIGEST_RESPONSE = 23;
    private static final int DIGEST_ABSENT = 0;
    private static final int DIGEST_PRESENT = 1;
    private static final int NODE_ID_BYTES_MAX = 64;
    /** Bounds on batch lengths; the frame limit bounds their bytes. */
    private static final int ENTRIES_MAX = 1 << 20;
    private static final int RANGES_MAX = 1 << 16;
    private static final int MAX_REASON_BYTES = 4096;
    /** Far above any replication factor a cluster uses; bounds what a peer can ask a coordinator for. */
    private static final int MAX_REPLICAS = 64;

    private final int valueBytesMax;

    /** @param valueBytesMax the largest value a decoded message may carry */
    public PeerMessageCodec(int valueBytesMax) {
        this.valueBytesMax = valueBytesMax;
    }

    public byte[] encode(PeerMessage message) {
        ByteWriter out = new ByteWriter(128);
        switch (message) {
            case ReplicaGetRequest m -> out.writeByte(switch (m.mode()) {
                case DATA -> REPLICA_GET_REQUEST;
                case DIGEST -> REPLICA_DIGEST_REQUEST;
            }).writeVarLong(m.requestId()).writeBytes(m.key().utf8());
            case ReplicaDigestResponse m -> {
                out.writeByte(REPLICA_DIGEST_RESPONSE).writeVarLong(m.requestId());
                m.digest().ifPresentOrElse(digest -> digest.writeTo(out.writeByte(DIGEST_PRESENT)), () -> out.writeByte(DIGEST_ABSENT));
            }
            case ReplicaGetResponse m -> {
                out.writeByte(REPLICA_GET_RESPONSE).writeVarLong(m.requestId());
                VersionCodec.writeSiblings(out, m.state());
            }
            case ReplicaPutRequest m -> {
                out.writeByte(REPLICA_PUT_REQUEST).writeVarLong(m.requestId()).writeBytes(m.key().utf8());
                VersionCodec.writeSiblings(out, m.state());
                writeOptionalNode(out, m.hintFor());
            }
            case ReplicaPutResponse m -> out.writeByte(REPLICA_PUT_RESPONSE).writeVarLong(m.requestId());
            case ReplicaFailure m -> out.writeByte(REPLICA_FAILURE).writeVarLong(m.requestId()).writeString(boundedReason(m.reason()));
            case ReadRepair m -> {
                out.writeByte(READ_REPAIR).writeBytes(m.key().utf8());
                VersionCodec.writeSiblings(out, m.state());
            }
            case ForwardWriteRequest m -> encodeForward(out, m);
            case ForwardWriteResponse m -> {
                out.writeByte(FORWARD_WRITE_RESPONSE).writeVarLong(m.requestId());
                writeOptionalContext(out, m.versionContext());
                out.writeVarInt(m.acks().size());
                for (Ack ack : m.acks()) {
                    out.writeString(ack.node().value());
                    writeOptionalNode(out, ack.standInFor());
                }
                out.writeVarInt(m.required()).writeVarInt(m.acknowledged());
                writeShortfall(out, m.shortfall());
                writeOptionalRefusal(out, m.refused());
            }
            case Gossip m -> {
                out.writeByte(GOSSIP);
                GossipCodec.write(out, m.message());
            }
            case HintBatch m -> writeEntries(out.writeByte(HINT_BATCH).writeVarLong(m.requestId()), m.entries());
            case HintBatchAck m -> out.writeByte(HINT_BATCH_ACK).writeVarLong(m.requestId());
            case TreeRequest m -> writeRecent(writeRanges(out.writeByte(TREE_REQUEST).writeVarLong(m.requestId()), m.ranges())
                    .writeVarInt(m.depth()), m.recent()).writeLong(m.ringFingerprint());
            case TreeResponse m -> {
                out.writeByte(TREE_RESPONSE).writeVarLong(m.requestId()).writeVarInt(m.trees().size());
                m.trees().forEach(tree -> MerkleCodec.writeTree(out, tree));
            }
            case KeyHashesRequest m -> writeRecent(writeHashes(writeRanges(out.writeByte(KEY_HASHES_REQUEST).writeVarLong(m.requestId()),
                    m.leaves()), m.hashes()).writeVarLong(m.maxBytes()), m.recent()).writeLong(m.ringFingerprint());
            case KeyHashesResponse m -> writeKeys(writeEntries(out.writeByte(KEY_HASHES_RESPONSE).writeVarLong(m.requestId()), m.entries()),
                    m.wanted());
            case KeyStatesRequest m -> writeEntries(out.writeByte(KEY_STATES_REQUEST).writeVarLong(m.requestId()), m.entries());
            case KeyStatesResponse m -> out.writeByte(KEY_STATES_RESPONSE).writeVarLong(m.requestId());
            case StreamRequest m -> {
                writeRanges(out.writeByte(STREAM_REQUEST).writeVarLong(m.requestId()), m.ranges());
                writeOptionalKey(out, m.after());
                out.writeVarLong(m.maxBytes());
            }
            case StreamBatch m -> {
                Bytes entries = writeEntries(new ByteWriter(1024), m.entries()).toBytes();
                out.writeByte(STREAM_BATCH).writeVarLong(m.requestId()).writeVarInt(m.rangesDone());
                writeOptionalKey(out, m.resumeAfter());
                out.writeVarLong(m.keysLeft());
                out.writeInt(crc32c(entries)).writeBytes(entries);
            }
        }
        return out.toByteArray();
    }

    /** Decodes one frame's payload; throws {@link MalformedException} for anything not produced by {@link #encode}. */
    public PeerMessage decode(byte[] bytes) {
        return decode(bytes, bytes.length);
    }

    /** As {@link #decode(byte[])}, for a payload that is the first {@code length} bytes of {@code frame}. */
    public PeerMessage decode(byte[] frame, int length) {
        try {
            return decodeChecked(new ByteReader(frame, 0, length));
        } catch (IllegalArgumentException e) {
            // A record constructor (a node id, a range, a tree) rejected a decoded value.
            throw new MalformedException("invalid message: " + e.getMessage());
        }
    }

    private PeerMessage decodeChecked(ByteReader in) {
        int tag = in.readByte();
        PeerMessage message = switch (tag) {
            case REPLICA_GET_REQUEST -> new ReplicaGetRequest(in.readVarLong(), readKey(in), PeerMessage.ReadMode.DATA);
            case REPLICA_DIGEST_REQUEST -> new ReplicaGetRequest(in.readVarLong(), readKey(in), PeerMessage.ReadMode.DIGEST);
            case REPLICA_DIGEST_RESPONSE -> new ReplicaDigestResponse(in.readVarLong(), readOptionalDigest(in));
            case REPLICA_GET_RESPONSE -> new ReplicaGetResponse(in.readVarLong(), VersionCodec.readSiblings(in, valueBytesMax));
            case REPLICA_PUT_REQUEST -> new ReplicaPutRequest(in.readVarLong(), readKey(in), VersionCodec.readSiblings(in, valueBytesMax),
                    readOptionalNode(in));
            case REPLICA_PUT_RESPONSE -> new ReplicaPutResponse(in.readVarLong());
            case REPLICA_FAILURE -> new ReplicaFailure(in.readVarLong(), in.readString(MAX_REASON_BYTES));
            case READ_REPAIR -> new ReadRepair(readKey(in), VersionCodec.readSiblings(in, valueBytesMax));
            case FORWARD_WRITE_REQUEST -> decodeForward(in);
            case FORWARD_WRITE_RESPONSE -> new ForwardWriteResponse(in.readVarLong(), readOptionalContext(in), readAcks(in),
                    in.readVarInt(), in.readVarInt(), readShortfall(in), readOptionalRefusal(in));
            case GOSSIP -> new Gossip(GossipCodec.read(in));
            case HINT_BATCH -> new HintBatch(in.readVarLong(), readEntries(in));
            case HINT_BATCH_ACK -> new HintBatchAck(in.readVarLong());
            case TREE_REQUEST -> new TreeRequest(in.readVarLong(), readRanges(in), readDepth(in), readRecent(in), in.readLong());
            case TREE_RESPONSE -> new TreeResponse(in.readVarLong(), readTrees(in));
            case KEY_HASHES_REQUEST -> new KeyHashesRequest(in.readVarLong(), readRanges(in), readHashes(in), readPositive(in),
                    readRecent(in), in.readLong());
            case KEY_HASHES_RESPONSE -> new KeyHashesResponse(in.readVarLong(), readEntries(in), readKeys(in));
            case KEY_STATES_REQUEST -> new KeyStatesRequest(in.readVarLong(), readEntries(in));
            case KEY_STATES_RESPONSE -> new KeyStatesResponse(in.readVarLong());
            case STREAM_REQUEST -> new StreamRequest(in.readVarLong(), readRanges(in), readOptionalKey(in), readPositive(in));
            case STREAM_BATCH -> readStreamBatch(in);
            default -> throw new MalformedException("unknown message tag " + tag);
        };
        in.expectEnd();
        return message;
    }

    /** A digest response's digest: a presence byte (0 or 1, nothing else), then the 16 hash bytes when present. */
    private static Optional<MerkleHash> readOptionalDigest(ByteReader in) {
        int presence = in.readByte();
        return switch (presence) {
            case DIGEST_ABSENT -> Optional.empty();
            case DIGEST_PRESENT -> Optional.of(MerkleHash.readFrom(in));
            default -> throw new MalformedException("digest presence byte " + presence + ", expected 0 or 1");
        };
    }

    /**
     * The reason cut to the {@value #MAX_REASON_BYTES} bytes {@link #decode} accepts, at a character
     * boundary: a long I/O error message (it starts with the key, up to 1 KiB) must not make the
     * frame undecodable, which would close the connection and lose the messages behind it.
     */
    private static String boundedReason(String reason) {
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_REASON_BYTES) {
            return reason;
        }
        int end = MAX_REASON_BYTES;
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--; // utf8[end] continues a character that starts before the cut: cut before that character
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }

    private static void encodeForward(ByteWriter out, ForwardWriteRequest m) {
        out.writeByte(FORWARD_WRITE_REQUEST).writeVarLong(m.requestId()).writeBytes(m.key().utf8());
        out.writeBoolean(m.value().isPresent());
        m.value().ifPresent(out::writeBytes);
        writeOptionalContext(out, m.context());
        out.writeVarInt(m.w()).writeBoolean(m.sloppy()).writeVarLong(m.timeoutMillis()).writeVarLong(m.wallMillis());
    }

    private ForwardWriteRequest decodeForward(ByteReader in) {
        long requestId = in.readVarLong();
        Key key = readKey(in);
        Optional<Bytes> value = in.readBoolean() ? Optional.of(in.readBytes(valueBytesMax)) : Optional.empty();
        Optional<CausalContext> context = readOptionalContext(in);
        int w = in.readVarInt();
        boolean sloppy = in.readBoolean();
        long timeoutMillis = in.readVarLong();
        if (w < 1 || w > MAX_REPLICAS || timeoutMillis < 1) {
            throw new MalformedException("forwarded write with w=" + w + " and timeout " + timeoutMillis + " ms");
        }
        return new ForwardWriteRequest(requestId, key, value, context, w, sloppy, timeoutMillis, in.readVarLong());
    }

    private static void writeOptionalNode(ByteWriter out, Optional<NodeId> node) {
        out.writeBoolean(node.isPresent());
        node.ifPresent(id -> out.writeString(id.value()));
    }

    private static Optional<NodeId> readOptionalNode(ByteReader in) {
        return in.readBoolean() ? Optional.of(readNode(in)) : Optional.empty();
    }

    private static NodeId readNode(ByteReader in) {
        return new NodeId(in.readString(NODE_ID_BYTES_MAX));
    }

    private static List<Ack> readAcks(ByteReader in) {
        int count = in.readCount(MAX_REPLICAS, "acknowledgement");
        List<Ack> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            acks.add(new Ack(readNode(in), readOptionalNode(in)));
        }
        return acks;
    }

    private static void writeShortfall(ByteWriter out, Shortfall shortfall) {
        out.writeBoolean(shortfall.timedOut()).writeVarInt(shortfall.refusals().size());
        for (Shortfall.Refusal refusal : shortfall.refusals()) {
            out.writeString(refusal.node().value()).writeString(boundedReason(refusal.reason()));
        }
        out.writeByte(shortfall.stored().ordinal());
    }

    private static Shortfall readShortfall(ByteReader in) {
        boolean timedOut = in.readBoolean();
        int count = in.readCount(MAX_REPLICAS, "refusal");
        List<Shortfall.Refusal> refusals = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            refusals.add(new Shortfall.Refusal(readNode(in), in.readString(MAX_REASON_BYTES)));
        }
        int stored = in.readByte();
        Shortfall.Stored[] values = Shortfall.Stored.values();
        if (stored < 0 || stored >= values.length) {
            throw new MalformedException("unknown write fate " + stored);
        }
        return new Shortfall(timedOut, refusals, values[stored]);
    }

    private static ByteWriter writeEntries(ByteWriter out, List<KeyState> entries) {
        out.writeVarInt(entries.size());
        for (KeyState entry : entries) {
            out.writeBytes(entry.key().utf8());
            VersionCodec.writeSiblings(out, entry.state());
        }
        return out;
    }

    private List<KeyState> readEntries(ByteReader in) {
        int count = in.readCount(ENTRIES_MAX, "entry");
        List<KeyState> entries = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            entries.add(new KeyState(readKey(in), VersionCodec.readSiblings(in, valueBytesMax)));
        }
        return entries;
    }

    private static ByteWriter writeHashes(ByteWriter out, List<KeyHash> hashes) {
        out.writeVarInt(hashes.size());
        for (KeyHash hash : hashes) {
            out.writeBytes(hash.key().utf8()).writeLong(hash.high()).writeLong(hash.low());
        }
        return out;
    }

    private static List<KeyHash> readHashes(ByteReader in) {
        int count = in.readCount(ENTRIES_MAX, "key hash");
        List<KeyHash> hashes = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            hashes.add(new KeyHash(readKey(in), in.readLong(), in.readLong()));
        }
        return hashes;
    }

    private static ByteWriter writeKeys(ByteWriter out, List<Key> keys) {
        out.writeVarInt(keys.size());
        keys.forEach(key -> out.writeBytes(key.utf8()));
        return out;
    }

    private static List<Key> readKeys(ByteReader in) {
        int count = in.readCount(ENTRIES_MAX, "key");
        List<Key> keys = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            keys.add(readKey(in));
        }
        return keys;
    }

    private static ByteWriter writeRanges(ByteWriter out, List<TokenRange> ranges) {
        out.writeVarInt(ranges.size());
        for (TokenRange range : ranges) {
            out.writeLong(range.startExclusive()).writeLong(range.endInclusive());
        }
        return out;
    }

    private static void writeOptionalKey(ByteWriter out, Optional<Key> key) {
        out.writeBoolean(key.isPresent());
        key.ifPresent(k -> out.writeBytes(k.utf8()));
    }

    private static Optional<Key> readOptionalKey(ByteReader in) {
        return in.readBoolean() ? Optional.of(readKey(in)) : Optional.empty();
    }

    /** A transfer batch whose entries are decoded only once their checksum holds. */
    private StreamBatch readStreamBatch(ByteReader in) {
        long requestId = in.readVarLong();
        int rangesDone = in.readVarInt();
        Optional<Key> resumeAfter = readOptionalKey(in);
        long keysLeft = in.readVarLong();
        int expected = in.readInt();
        Bytes entries = in.readBytes(in.remaining());
        if (crc32c(entries) != expected) {
            throw new MalformedException("transfer batch " + requestId + " fails its checksum");
        }
        ByteReader inner = new ByteReader(entries.toByteArray());
        List<KeyState> decoded = readEntries(inner);
        inner.expectEnd();
        return new StreamBatch(requestId, decoded, rangesDone, resumeAfter, keysLeft);
    }

    private static int crc32c(Bytes bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes.toByteArray());
        return (int) crc.getValue();
    }

    private static List<TokenRange> readRanges(ByteReader in) {
        int count = in.readCount(RANGES_MAX, "range");
        List<TokenRange> ranges = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            ranges.add(new TokenRange(in.readLong(), in.readLong()));
        }
        return ranges;
    }

    private static List<MerkleTree> readTrees(ByteReader in) {
        int count = in.readCount(RANGES_MAX, "tree");
        List<MerkleTree> trees = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            trees.add(MerkleCodec.readTree(in));
        }
        return trees;
    }

    private static ByteWriter writeRecent(ByteWriter out, RecentWrites recent) {
        return out.writeLong(recent.fromWallMillis()).writeLong(recent.toWallMillis());
    }

    /** A window that ends before it starts is malformed (the record refuses it; the decoder's catch reports it). */
    private static RecentWrites readRecent(ByteReader in) {
        return new RecentWrites(in.readLong(), in.readLong());
    }

    private static int readDepth(ByteReader in) {
        int depth = in.readVarInt();
        if (depth < 0 || depth > MerkleTree.MAX_DEPTH) {
            throw new MalformedException("Merkle depth " + depth + " is outside 0.." + MerkleTree.MAX_DEPTH);
        }
        return depth;
    }

    private static long readPositive(ByteReader in) {
        long value = in.readVarLong();
        if (value < 1) {
            throw new MalformedException("byte bound " + value + " is not positive");
        }
        return value;
    }

    private static void writeOptionalContext(ByteWriter out, Optional<CausalContext> context) {
        out.writeBoolean(context.isPresent());
        context.ifPresent(c -> VersionCodec.writeContext(out, c));
    }

    private static Optional<CausalContext> readOptionalContext(ByteReader in) {
        return in.readBoolean() ? Optional.of(VersionCodec.readContext(in)) : Optional.empty();
    }

    private static void writeOptionalRefusal(ByteWriter out, Optional<KeyLimits.Exceeded> refused) {
        out.writeBoolean(refused.isPresent());
        refused.ifPresent(r -> out.writeByte(r.limit().ordinal()).writeVarLong(r.actual()).writeVarLong(r.max()));
    }

    private static Optional<KeyLimits.Exceeded> readOptionalRefusal(ByteReader in) {
        if (!in.readBoolean()) {
            return Optional.empty();
        }
        int limit = in.readByte();
        KeyLimits.Limit[] limits = KeyLimits.Limit.values();
        if (limit < 0 || limit >= limits.length) {
            throw new MalformedException("unknown key limit " + limit);
        }
        return Optional.of(new KeyLimits.Exceeded(limits[limit], in.readVarLong(), in.readVarLong()));
    }

    private static Key readKey(ByteReader in) {
        Bytes utf8 = in.readBytes(Key.MAX_BYTES);
        return Key.fromUtf8(utf8.toByteArray())
                .orElseThrow(() -> new MalformedException("key of " + utf8.length() + " bytes is not a valid key"));
    }
}
