package io.kvorum.storage.version;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Bytes;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The binary form of {@link CausalContext} and {@link Siblings}, shared by the internode protocol,
 * the client context string and (later) the log engine's records.
 *
 * <p>Layout: actors once (node id, epoch, counter, wall millis), then cloud dots and siblings that
 * refer to actors by index, all as varints, so a three-replica context is a few dozen bytes.
 * Decoding validates everything (bounds, order, references) and throws {@link MalformedException}
 * for bytes that are not a well-formed encoding: a decoded value always satisfies its invariants.
 */
public final class VersionCodec {
    /** Bounds that keep a hostile or corrupt input from driving large allocations. */
    public static final int MAX_ACTORS = 4096;
    public static final int MAX_CLOUD_DOTS = 65_536;
    public static final int MAX_SIBLINGS = 65_536;
    private static final int MAX_NODE_ID_BYTES = 64;
    private static final int VARINT_BYTES_MAX = 5;
    private static final int VARLONG_BYTES_MAX = 10;
    private static final int DOT_BYTES_MAX = VARINT_BYTES_MAX + VARLONG_BYTES_MAX;

    private VersionCodec() {}

    public static void writeContext(ByteWriter out, CausalContext context) {
        List<Actor> actors = new ArrayList<>(context.entries().keySet());
        out.writeVarInt(actors.size());
        context.entries().forEach((actor, entry) -> {
            out.writeString(actor.node().value());
            out.writeVarLong(actor.epoch());
            out.writeVarLong(entry.counter());
            out.writeVarLong(entry.wallMillis());
        });
        out.writeVarInt(context.cloud().size());
        for (Dot dot : context.cloud()) {
            writeDot(out, actors, dot);
        }
    }

    public static CausalContext readContext(ByteReader in) {
        return readContextWithActors(in, new ArrayList<>());
    }

    public static void writeSiblings(ByteWriter out, Siblings state) {
        writeSiblings(out, state, true);
    }

    /**
     * The state's canonical form without the value bytes: its context and each sibling's dot,
     * tombstone flag and time. Identifies the state as well as the whole form does, because a dot
     * names one write and so one value (Riak's anti-entropy likewise hashes only the vector clock).
     */
    public static void writeVersions(ByteWriter out, Siblings state) {
        writeSiblings(out, state, false);
    }

    private static void writeSiblings(ByteWriter out, Siblings state, boolean withValues) {
        writeContext(out, state.context());
        List<Actor> actors = new ArrayList<>(state.context().entries().keySet());
        out.writeVarInt(state.siblings().size());
        for (Sibling s : state.siblings()) {
            writeDot(out, actors, s.dot());
            out.writeBoolean(s.tombstone());
            out.writeVarLong(s.wallMillis());
            if (withValues && !s.tombstone()) {
                out.writeBytes(s.value());
            }
        }
    }

    public static Siblings readSiblings(ByteReader in, int valueBytesMax) {
        List<Actor> actors = new ArrayList<>();
        CausalContext context = readContextWithActors(in, actors);
        int count = in.readCount(MAX_SIBLINGS, "sibling");
        List<Sibling> siblings = new ArrayList<>(Math.min(count, 64));
        for (int i = 0; i < count; i++) {
            Dot dot = readDot(in, actors);
            boolean tombstone = in.readBoolean();
            long wallMillis = in.readVarLong();
            Bytes value = tombstone ? Bytes.EMPTY : in.readBytes(valueBytesMax);
            siblings.add(new Sibling(dot, tombstone, value, wallMillis));
        }
        return build(() -> new Siblings(context, siblings));
    }

    /**
     * An upper bound of {@code encode(state).length}, in time linear in the number of siblings and
     * actors but without encoding anything: each varint counted at its widest, each value at its length.
     */
    public static long encodedBytesBound(Siblings state) {
        long bytes = 3L * VARINT_BYTES_MAX;
        for (Actor actor : state.context().entries().keySet()) {
            bytes += VARINT_BYTES_MAX + actor.node().value().length() + 3L * VARLONG_BYTES_MAX;
        }
        bytes += (long) state.context().cloud().size() * DOT_BYTES_MAX;
        for (Sibling s : state.siblings()) {
            bytes += DOT_BYTES_MAX + 1 + VARLONG_BYTES_MAX + VARINT_BYTES_MAX + s.value().length();
        }
        return bytes;
    }

    public static byte[] encode(Siblings state) {
        ByteWriter out = new ByteWriter(64 + state.siblings().size() * 64);
        writeSiblings(out, state);
        return out.toByteArray();
    }

    public static Siblings decode(byte[] bytes, int valueBytesMax) {
        ByteReader in = new ByteReader(bytes);
        Siblings state = readSiblings(in, valueBytesMax);
        in.expectEnd();
        return state;
    }

    private static CausalContext readContextWithActors(ByteReader in, List<Actor> actors) {
        int actorCount = in.readCount(MAX_ACTORS, "actor");
        Map<Actor, CausalContext.Entry> entries = new TreeMap<>();
        for (int i = 0; i < actorCount; i++) {
            String node = in.readString(MAX_NODE_ID_BYTES);
            if (!NodeId.isValid(node)) {
                throw new MalformedException("invalid node id in actor " + i);
            }
            long epoch = nonNegative(in.readVarLong(), "epoch");
            Actor actor = new Actor(NodeId.of(node), epoch);
            if (!actors.isEmpty() && actors.get(actors.size() - 1).compareTo(actor) >= 0) {
                throw new MalformedException("actors out of order at " + actor);
            }
            actors.add(actor);
            long counter = nonNegative(in.readVarLong(), "counter");
            entries.put(actor, new CausalContext.Entry(counter, in.readVarLong()));
        }
        int cloudCount = in.readCount(MAX_CLOUD_DOTS, "cloud dot");
        TreeSet<Dot> cloud = new TreeSet<>();
        for (int i = 0; i < cloudCount; i++) {
            cloud.add(readDot(in, actors));
        }
        return build(() -> CausalContext.of(entries, cloud));
    }

    private static void writeDot(ByteWriter out, List<Actor> actors, Dot dot) {
        int index = java.util.Collections.binarySearch(actors, dot.actor());
        io.kvorum.common.Invariants.check(index >= 0, "dot %s has no actor in its context", dot);
        out.writeVarInt(index);
        out.writeVarLong(dot.counter());
    }

    private static Dot readDot(ByteReader in, List<Actor> actors) {
        int index = in.readVarInt();
        if (index < 0 || index >= actors.size()) {
            throw new MalformedException("dot refers to actor " + index + " of " + actors.size());
        }
        long counter = in.readVarLong();
        if (counter < 1) {
            throw new MalformedException("dot counter " + counter);
        }
        return new Dot(actors.get(index), counter);
    }

    private static long nonNegative(long value, String what) {
        if (value < 0) {
            throw new MalformedException(what + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }

    /** Turns a value type's invariant failure on decoded input into a malformed-input failure. */
    private static <T> T build(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new MalformedException(e.getMessage());
        }
    }
}
