package io.kvorum.gossip;

import static io.kvorum.gossip.Fixtures.id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.gossip.GossipMessage.GossipAck;
import io.kvorum.gossip.GossipMessage.GossipAck2;
import io.kvorum.gossip.GossipMessage.GossipSyn;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class GossipCodecTest {
    private static final long SEED = 31337L;

    /** A random message of the given type: every field exercised, including edge values. */
    private static GossipMessage sample(Class<?> type, RandomGenerator random) {
        if (type == GossipSyn.class) {
            return new GossipSyn("host-" + random.nextInt(100) + ":7000", digests(random), random.nextBoolean());
        } else if (type == GossipAck.class) {
            return new GossipAck(updates(random), digests(random));
        } else if (type == GossipAck2.class) {
            return new GossipAck2(updates(random));
        }
        throw new AssertionError("no sample for " + type + ": add one when adding a message");
    }

    private static List<Digest> digests(RandomGenerator random) {
        List<Digest> digests = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            digests.add(new Digest(id("n" + random.nextInt(1000)), random.nextLong(0, Long.MAX_VALUE),
                    random.nextBoolean() ? 0 : random.nextLong(0, Long.MAX_VALUE)));
        }
        return digests;
    }

    private static List<MemberUpdate> updates(RandomGenerator random) {
        List<MemberUpdate> updates = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            Optional<MemberInfo> info = Optional.empty();
            if (random.nextBoolean()) {
                List<Long> tokens = new ArrayList<>();
                for (int t = random.nextInt(20); t > 0; t--) {
                    tokens.add(random.nextLong());
                }
                tokens.add(Long.MIN_VALUE);
                Status status = Status.values()[random.nextInt(Status.values().length)];
                info = Optional.of(new MemberInfo("[::1]:" + random.nextInt(65536), "höst.example:8080", status,
                        tokens, random.nextLong(0, Long.MAX_VALUE),
                        random.nextBoolean() ? Optional.of(id("dead-" + random.nextInt(9))) : Optional.empty(),
                        random.nextLong(), random.nextLong()));
            }
            updates.add(new MemberUpdate(id("node-" + i), random.nextLong(1, Long.MAX_VALUE),
                    random.nextLong(0, Long.MAX_VALUE), info));
        }
        return updates;
    }

    @Test
    void everyMessageTypeRoundTrips() {
        RandomGenerator random = Fixtures.random(SEED);
        TreeSet<String> covered = new TreeSet<>();
        for (Class<?> type : GossipMessage.class.getPermittedSubclasses()) {
            for (int i = 0; i < 200; i++) {
                GossipMessage message = sample(type, random);
                byte[] bytes = GossipCodec.encode(message);
                assertEquals(message, GossipCodec.decode(bytes), "seed " + SEED);
                assertArrayEquals(bytes, GossipCodec.encode(GossipCodec.decode(bytes)), "seed " + SEED);
            }
            covered.add(type.getSimpleName());
        }
        assertEquals(new TreeSet<>(List.of("GossipAck", "GossipAck2", "GossipSyn")), covered);
    }

    @Test
    void messagesEmbedInALargerFrame() {
        GossipMessage message = sample(GossipAck.class, Fixtures.random(SEED));
        ByteWriter out = new ByteWriter();
        out.writeByte(0x7F);
        GossipCodec.write(out, message);
        out.writeByte(0x7E);
        ByteReader in = new ByteReader(out.toByteArray());
        assertEquals(0x7F, in.readByte());
        assertEquals(message, GossipCodec.read(in));
        assertEquals(0x7E, in.readByte());
    }

    @Test
    void everyTruncationIsMalformed() {
        RandomGenerator random = Fixtures.random(SEED);
        for (Class<?> type : GossipMessage.class.getPermittedSubclasses()) {
            byte[] bytes = GossipCodec.encode(sample(type, random));
            for (int length = 0; length < bytes.length; length++) {
                byte[] prefix = java.util.Arrays.copyOf(bytes, length);
                assertThrows(MalformedException.class, () -> GossipCodec.decode(prefix),
                        type.getSimpleName() + " cut at " + length + ", seed " + SEED);
            }
        }
    }

    @Test
    void randomCorruptionThrowsOnlyMalformed() {
        RandomGenerator random = Fixtures.random(SEED);
        for (int i = 0; i < 20_000; i++) {
            Class<?> type = GossipMessage.class.getPermittedSubclasses()[i % 3];
            byte[] bytes = GossipCodec.encode(sample(type, random));
            if (bytes.length == 0) {
                continue;
            }
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                GossipMessage decoded = GossipCodec.decode(bytes);
                // Varints may decode from a non-minimal form, so compare messages, not bytes.
                assertEquals(decoded, GossipCodec.decode(GossipCodec.encode(decoded)), "seed " + SEED + " iteration " + i);
            } catch (MalformedException expected) {
                // the only acceptable failure
            } catch (RuntimeException e) {
                fail("seed " + SEED + " iteration " + i + ": " + e, e);
            }
        }
    }

    @Test
    void specificInvalidInputsAreRejected() {
        assertMalformed(new byte[] {9}, "unknown gossip message tag");
        assertMalformed(new ByteWriter().writeByte(3).writeVarInt(1).writeString("bad id!").toByteArray(), "node id");
        ByteWriter badStatus = new ByteWriter().writeByte(3).writeVarInt(1).writeString("a").writeVarLong(1)
                .writeVarLong(1).writeBoolean(true).writeString("h:1").writeString("h:2").writeByte(9);
        assertMalformed(badStatus.toByteArray(), "status code");
        ByteWriter zeroGeneration = new ByteWriter().writeByte(3).writeVarInt(1).writeString("a").writeVarLong(0)
                .writeVarLong(1).writeBoolean(false);
        assertMalformed(zeroGeneration.toByteArray(), "generation");
        assertMalformed(new ByteWriter().writeByte(3).writeVarInt(GossipCodec.UPDATES_MAX + 1).toByteArray(), "exceeds");
        assertMalformed(new ByteWriter().writeByte(3).writeVarInt(0).writeByte(0).toByteArray(), "trailing");
        assertMalformed(new ByteWriter().writeByte(1).writeString("no-port").writeVarInt(0).writeBoolean(true)
                .toByteArray(), "host:port");
    }

    private static void assertMalformed(byte[] bytes, String messagePart) {
        MalformedException e = assertThrows(MalformedException.class, () -> GossipCodec.decode(bytes));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }
}
