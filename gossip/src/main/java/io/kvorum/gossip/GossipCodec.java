package io.kvorum.gossip;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage.GossipAck;
import io.kvorum.gossip.GossipMessage.GossipAck2;
import io.kvorum.gossip.GossipMessage.GossipSyn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of {@link GossipMessage}s: a tag byte, then varints, length-prefixed UTF-8 and
 * fixed 8-byte tokens. Decoding trusts nothing: every count is bounded before anything is allocated,
 * every value is validated by the records' constructors, and anything wrong surfaces as
 * {@link MalformedException} and nothing else.
 *
 * <p>{@link #write}/{@link #read} embed a message in a larger frame (the node's peer messages);
 * {@link #encode}/{@link #decode} are the standalone forms.
 */
public final class GossipCodec {
    /** Hard limit on digests or requests in one message; {@link GossipSettings} bounds stay below it. */
    public static final int DIGESTS_MAX = 65_536;
    /** Hard limit on member updates in one message. */
    public static final int UPDATES_MAX = 65_536;
    /** Hard limit on tokens of one member (vnodes per node are in the hundreds). */
    public static final int TOKENS_MAX = 65_536;

    private static final int SYN = 1;
    private static final int ACK = 2;
    private static final int ACK2 = 3;
    private static final int ID_BYTES_MAX = 64;
    /** A character takes at most 4 UTF-8 bytes; the record then checks the character count. */
    private static final int ADDRESS_BYTES_MAX = MemberInfo.ADDRESS_CHARS_MAX * 4;

    private GossipCodec() {}

    public static byte[] encode(GossipMessage message) {
        ByteWriter out = new ByteWriter(256);
        write(out, message);
        return out.toByteArray();
    }

    /** Decodes exactly one message filling {@code bytes}. */
    public static GossipMessage decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        GossipMessage message = read(in);
        in.expectEnd();
        return message;
    }

    public static void write(ByteWriter out, GossipMessage message) {
        switch (message) {
            case GossipSyn syn -> {
                out.writeByte(SYN).writeString(syn.senderInternodeAddress());
                writeDigests(out, syn.digests());
                out.writeBoolean(syn.complete());
            }
            case GossipAck ack -> {
                out.writeByte(ACK);
                writeUpdates(out, ack.updates());
                writeDigests(out, ack.requests());
            }
            case GossipAck2 ack2 -> {
                out.writeByte(ACK2);
                writeUpdates(out, ack2.updates());
            }
        }
    }

    /** Reads one message from {@code in}, leaving what follows it unread. */
    public static GossipMessage read(ByteReader in) {
        int tag = in.readByte();
        try {
            return switch (tag) {
                case SYN -> new GossipSyn(in.readString(ADDRESS_BYTES_MAX), readDigests(in), in.readBoolean());
                case ACK -> new GossipAck(readUpdates(in), readDigests(in));
                case ACK2 -> new GossipAck2(readUpdates(in));
                default -> throw new MalformedException("unknown gossip message tag " + tag);
            };
        } catch (IllegalArgumentException e) {
            // A record constructor (or NodeId) rejected a decoded value.
            throw new MalformedException("invalid gossip message: " + e.getMessage());
        }
    }

    private static void writeDigests(ByteWriter out, List<Digest> digests) {
        Invariants.check(digests.size() <= DIGESTS_MAX, "%d digests exceed %d", digests.size(), DIGESTS_MAX);
        out.writeVarInt(digests.size());
        for (Digest digest : digests) {
            out.writeString(digest.id().value()).writeVarLong(digest.generation()).writeVarLong(digest.maxVersion());
        }
    }

    private static List<Digest> readDigests(ByteReader in) {
        int count = in.readCount(DIGESTS_MAX, "digest");
        List<Digest> digests = new ArrayList<>(Math.min(count, in.remaining()));
        for (int i = 0; i < count; i++) {
            digests.add(new Digest(readId(in), in.readVarLong(), in.readVarLong()));
        }
        return digests;
    }

    private static void writeUpdates(ByteWriter out, List<MemberUpdate> updates) {
        Invariants.check(updates.size() <= UPDATES_MAX, "%d updates exceed %d", updates.size(), UPDATES_MAX);
        out.writeVarInt(updates.size());
        for (MemberUpdate update : updates) {
            out.writeString(update.id().value()).writeVarLong(update.generation()).writeVarLong(update.heartbeat());
            out.writeBoolean(update.info().isPresent());
            update.info().ifPresent(info -> writeInfo(out, info));
        }
    }

    private static List<MemberUpdate> readUpdates(ByteReader in) {
        int count = in.readCount(UPDATES_MAX, "update");
        List<MemberUpdate> updates = new ArrayList<>(Math.min(count, in.remaining()));
        for (int i = 0; i < count; i++) {
            NodeId id = readId(in);
            long generation = in.readVarLong();
            long heartbeat = in.readVarLong();
            Optional<MemberInfo> info = in.readBoolean() ? Optional.of(readInfo(in)) : Optional.empty();
            updates.add(new MemberUpdate(id, generation, heartbeat, info));
        }
        return updates;
    }

    private static void writeInfo(ByteWriter out, MemberInfo info) {
        Invariants.check(info.tokens().size() <= TOKENS_MAX, "%d tokens exceed %d", info.tokens().size(), TOKENS_MAX);
        out.writeString(info.internodeAddress()).writeString(info.httpAddress()).writeByte(statusCode(info.status()));
        out.writeVarInt(info.tokens().size());
        for (long token : info.tokens()) {
            out.writeLong(token);
        }
        out.writeVarLong(info.version());
        out.writeBoolean(info.replaces().isPresent());
        info.replaces().ifPresent(id -> out.writeString(id.value()));
        out.writeLong(info.seenPlan()).writeLong(info.streamedPlan());
    }

    private static MemberInfo readInfo(ByteReader in) {
        String internode = in.readString(ADDRESS_BYTES_MAX);
        String http = in.readString(ADDRESS_BYTES_MAX);
        Status status = status(in.readByte());
        int count = in.readCount(TOKENS_MAX, "token");
        List<Long> tokens = new ArrayList<>(Math.min(count, in.remaining()));
        for (int i = 0; i < count; i++) {
            tokens.add(in.readLong());
        }
        long version = in.readVarLong();
        Optional<NodeId> replaces = in.readBoolean() ? Optional.of(readId(in)) : Optional.empty();
        return new MemberInfo(internode, http, status, tokens, version, replaces, in.readLong(), in.readLong());
    }

    private static NodeId readId(ByteReader in) {
        return new NodeId(in.readString(ID_BYTES_MAX));
    }

    /** Explicit wire codes, so reordering the enum cannot change the format. */
    private static int statusCode(Status status) {
        return switch (status) {
            case JOINING -> 1;
            case UP -> 2;
            case LEAVING -> 3;
            case DOWN -> 4;
            case REMOVED -> 5;
            case REMOVING -> 6;
        };
    }

    private static Status status(int code) {
        return switch (code) {
            case 1 -> Status.JOINING;
            case 2 -> Status.UP;
            case 3 -> Status.LEAVING;
            case 4 -> Status.DOWN;
            case 5 -> Status.REMOVED;
            case 6 -> Status.REMOVING;
            default -> throw new MalformedException("unknown member status code " + code);
        };
    }
}
