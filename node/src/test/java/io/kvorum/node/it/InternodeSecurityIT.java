package io.kvorum.node.it;

import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.config.ClusterSecret;
import io.kvorum.gossip.GossipMessage;
import io.kvorum.node.auth.AuthenticationException;
import io.kvorum.node.auth.Handshake;
import io.kvorum.node.auth.PreAuthReader;
import io.kvorum.node.it.ApiClient.Answer;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessageCodec;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.ContextCodec;
import io.kvorum.storage.version.ContextSigner;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's attacks, replayed by an outsider on the network against three real nodes that run
 * with a cluster secret (as {@code scripts/kvorum up} starts them): one speaking the old frame
 * format, one speaking the new format without the secret. Neither can write (a read repair, a
 * forwarded write), read (a replica GET), add a member (a gossip SYN) or make a node hold a large
 * frame; each is cut off at once and nothing is stored. Then forged client contexts: 400
 * {@code invalid_context}, and writes through the node they aimed at keep succeeding.
 */
class InternodeSecurityIT {
    private static final int OLD_MAGIC = 0x4B56524D; // "KVRM", the unauthenticated handshake before issue 14
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(10);
    private static final long SEED = 14L;

    @TempDir
    static Path dataRoot;
    private static TestCluster cluster;
    private static final PeerMessageCodec CODEC = new PeerMessageCodec(1 << 20);

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(dataRoot, 3, List.of("--internode.handshake-timeout=1s"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static ApiClient api(int i) {
        return new ApiClient(cluster.base(i));
    }

    /** The attack messages: a read repair and a forwarded write of {@code key}, a replica GET, and a SYN naming a listener. */
    private static List<byte[]> attackPayloads(String key) {
        Actor intruder = new Actor(NodeId.of("intruder"), 1);
        Siblings state = Siblings.EMPTY.write(new DotIssuer(intruder), CausalContext.EMPTY,
                Optional.of(Bytes.utf8("\"pwned\"")), 1_000, 10).state();
        return List.of(
                CODEC.encode(new PeerMessage.ReadRepair(Key.of(key), state)),
                CODEC.encode(new PeerMessage.ForwardWriteRequest(7, Key.of(key + "-fwd"), Optional.of(Bytes.utf8("\"pwned\"")),
                        Optional.empty(), 1, true, 1000, 1_000)),
                CODEC.encode(new PeerMessage.ReplicaGetRequest(8, Key.of("secret"))),
                CODEC.encode(new PeerMessage.Gossip(new GossipMessage.GossipSyn("127.0.0.1:1", List.of(), true))));
    }

    private static byte[] oldFrame(byte[] payload) {
        return new ByteWriter().writeInt(payload.length).writeRaw(payload, 0, payload.length).toByteArray();
    }

    @Test
    void anOutsiderSpeakingTheOldFormatIsCutOffAndChangesNothing() throws IOException {
        api(0).putValue("secret", "\"only for members\"");
        String key = "old-format-attack";
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        byte[] hello = new ByteWriter().writeInt(OLD_MAGIC).writeVarInt(1).writeString("intruder").toByteArray();
        stream.writeBytes(oldFrame(hello));
        attackPayloads(key).forEach(payload -> stream.writeBytes(oldFrame(payload)));
        for (int node = 0; node < 3; node++) {
            try (Socket socket = connect(node)) {
                byte[] answer = sendAndReadUntilClosed(socket, stream.toByteArray());
                assertEquals(0, answer.length, "node-" + (node + 1) + " answered an old-format peer");
            }
        }
        assertNothingHappened(key);
    }

    @Test
    void anOutsiderSpeakingTheNewFormatWithoutTheSecretIsCutOffAndChangesNothing() throws IOException {
        api(0).putValue("secret", "\"only for members\"");
        String key = "new-format-attack";
        Handshake wrongSecret = new Handshake(Optional.of(ClusterSecret.of(randomBytes(64))), "kvorum");
        for (int node = 0; node < 3; node++) {
            Handshake.Dialer dialer = wrongSecret.dialer(NodeId.of("intruder"), NodeId.of(TestCluster.id(node)), randomBytes(32));
            try (Socket socket = connect(node)) {
                socket.getOutputStream().write(dialer.hello());
                byte[] challenge = readHandshakeMessage(socket.getInputStream());
                // The node proved it holds a secret the outsider does not: the outsider cannot check it...
                assertThrows(AuthenticationException.class, () -> dialer.onChallenge(challenge));
                // ...nor prove one: a made-up proof followed by the attack frames is cut off at the proof.
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                stream.writeBytes(PreAuthReader.frame(new ByteWriter().writeByte(3).writeRaw(randomBytes(32), 0, 32).toByteArray()));
                for (byte[] payload : attackPayloads(key)) {
                    stream.writeBytes(oldFrame(concat(payload, randomBytes(32)))); // MACs it cannot compute
                }
                byte[] answer = sendAndReadUntilClosed(socket, stream.toByteArray());
                assertEquals(0, answer.length, "node-" + (node + 1) + " sent data to a peer that failed the handshake");
            }
        }
        assertNothingHappened(key);
    }

    @Test
    void aHandshakeForAnotherNodeOrClusterIsRefused() throws IOException {
        ClusterSecret secret = ClusterSecret.read(dataRoot.resolve("cluster.secret"));
        Handshake otherCluster = new Handshake(Optional.of(secret), "another-cluster");
        try (Socket socket = connect(0)) {
            byte[] hello = otherCluster.dialer(NodeId.of("node-9"), NodeId.of("node-1"), randomBytes(32)).hello();
            assertEquals(0, sendAndReadUntilClosed(socket, hello).length, "a node answered a hello from another cluster");
        }
        Handshake sameCluster = new Handshake(Optional.of(secret), "kvorum");
        try (Socket socket = connect(0)) {
            byte[] hello = sameCluster.dialer(NodeId.of("node-9"), NodeId.of("node-2"), randomBytes(32)).hello();
            assertEquals(0, sendAndReadUntilClosed(socket, hello).length, "node-1 answered a hello meant for node-2");
        }
    }

    /**
     * The control for the tests above: a peer holding the secret that speaks the protocol as this
     * test does gets its read repair stored, so the refusals are the missing secret's doing. Then one
     * altered MAC closes its connection, and that frame is not applied.
     */
    @Test
    void aPeerWithTheSecretIsHeardUntilOneFrameFailsItsMac() throws IOException {
        ClusterSecret secret = ClusterSecret.read(dataRoot.resolve("cluster.secret"));
        Handshake.Dialer dialer = new Handshake(Optional.of(secret), "kvorum").dialer(NodeId.of("node-1"), NodeId.of("node-2"),
                randomBytes(32));
        Actor writer = new Actor(NodeId.of("node-1"), 99);
        try (Socket socket = connect(1)) {
            socket.getOutputStream().write(dialer.hello());
            Handshake.Established established = dialer.onChallenge(readHandshakeMessage(socket.getInputStream()));
            socket.getOutputStream().write(established.proof());
            for (String key : List.of("mac-good", "mac-bad")) {
                Siblings state = Siblings.EMPTY.write(new DotIssuer(writer), CausalContext.EMPTY,
                        Optional.of(Bytes.utf8("\"" + key + "\"")), 1_000, 10).state();
                byte[] payload = CODEC.encode(new PeerMessage.ReadRepair(Key.of(key), state));
                byte[] mac = established.session().sending().sign(payload);
                if (key.equals("mac-bad")) {
                    mac[0] ^= 1;
                }
                socket.getOutputStream().write(oldFrame(concat(payload, mac)));
            }
            socket.getOutputStream().flush();
            assertEquals(-1, socket.getInputStream().read(), "the node kept a connection whose frame failed its MAC");
        }
        org.awaitility.Awaitility.await("the authenticated read repair is applied").atMost(Duration.ofSeconds(10))
                .until(() -> api(1).get("mac-good", "r=all").status() == 200);
        assertEquals(404, api(0).get("mac-bad", "r=all").status(), "a frame that failed its MAC was applied");
    }

    /** The 80 MiB frame that grew a node's RSS by 800 MiB: now cut off after the first header, in either format. */
    @Test
    void aHugeFrameBeforeTheHandshakeIsCutOffWithoutBeingBuffered() throws IOException {
        byte[] oldHeader = new ByteWriter().writeInt(80 << 20).toByteArray();
        byte[] newHeader = concat(PreAuthReader.MAGIC, new byte[] {(byte) 0xff, (byte) 0xff});
        for (byte[] header : List.of(oldHeader, newHeader)) {
            try (Socket socket = connect(1)) {
                OutputStream out = socket.getOutputStream();
                out.write(header);
                out.flush();
                long sent = 0;
                byte[] chunk = new byte[1 << 16];
                try {
                    while (sent < (80L << 20)) {
                        out.write(chunk);
                        sent += chunk.length;
                    }
                } catch (SocketException closedByNode) {
                    // expected: the node closed the connection after the header
                }
                // Socket buffers on both ends take a few MiB at most before the node's close shows.
                assertTrue(sent < (16L << 20), "the node took " + (sent >> 20) + " MiB of a frame before any handshake");
            }
        }
        assertEquals(200, api(1).get(raw("/health")).status(), "node-2 is still healthy");
    }

    @Test
    void aConnectionThatNeverHandshakesIsClosedAtTheHandshakeTimeout() throws IOException {
        try (Socket socket = connect(2)) {
            long started = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read(), "the node wrote to a silent connection");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis < CLOSED_WITHIN.toMillis(), "closed after " + tookMillis + " ms");
        }
    }

    @Test
    void forgedContextsAreRejectedAndLaterWritesThroughThatNodeSucceed() throws IOException {
        ClusterSecret secret = ClusterSecret.read(dataRoot.resolve("cluster.secret"));
        ContextSigner members = ContextSigner.signed(secret);
        String key = "forged-context";
        Answer written = api(0).putValue(key, "1");
        assertEquals(200, written.status(), written.toString());
        Actor node1 = members.decode(written.context()).entries().keySet().stream()
                .filter(actor -> actor.node().value().equals("node-1")).findFirst().orElseThrow();
        long absurd = Long.MAX_VALUE - 1; // the 2^63-2
        CausalContext forged = CausalContext.EMPTY.withPrefix(new io.kvorum.storage.version.Dot(node1, absurd), 1_000);
        long rejectedBefore = contextsRejected(0);
        Map<String, String> attempts = Map.of(
                "unsigned (only a CRC)", ContextCodec.encode(forged),
                "signed with another secret", ContextSigner.signed(ClusterSecret.of(randomBytes(64))).encode(forged),
                "signed with the cluster's own secret (a member's forgery)", members.encode(forged));
        attempts.forEach((what, context) -> {
            Answer answer = api(0).putValue(key, "2", context);
            assertEquals(400, answer.status(), what + ": " + answer);
            assertEquals("invalid_context", answer.json().path("error").asText(), what + ": " + answer);
        });
        assertTrue(contextsRejected(0) >= rejectedBefore + 3, "rejected contexts are counted in kv.contexts-rejected");

        // A member's forgery below the counter bound still cannot raise node-1's floor: the claim is cut back.
        CausalContext overClaim = CausalContext.EMPTY.withPrefix(new io.kvorum.storage.version.Dot(node1, 1L << 40), 1_000);
        Answer accepted = api(0).putValue(key, "3", members.encode(overClaim));
        assertEquals(200, accepted.status(), accepted.toString());
        for (int i = 0; i < 5; i++) {
            Answer later = api(0).putValue(key, String.valueOf(10 + i), api(0).get(key).context());
            assertEquals(200, later.status(), "a later write through node-1: " + later);
            long counter = members.decode(later.context()).maxCounter(node1);
            assertTrue(counter < 1000, "node-1's counter jumped to " + counter);
        }
        // Contexts pass between nodes: node-1's read context resolves the key through node-2.
        Answer read = api(0).get(key);
        Answer throughNode2 = api(1).putValue(key, "\"final\"", read.context());
        assertEquals(200, throughNode2.status(), throughNode2.toString());
        JsonNode values = api(2).get(key, "r=all").json().path("values");
        assertEquals(1, values.size(), "the context from node-1 covered every sibling: " + values);
    }

    private static long contextsRejected(int node) {
        return api(node).get(raw("/metrics")).json().path("counters").path("kv.contexts-rejected").path("count").asLong();
    }

    /** Nothing the attacks sent was stored (r=all on every node) and no member was added. */
    private static void assertNothingHappened(String key) {
        for (int node = 0; node < 3; node++) {
            assertEquals(404, api(node).get(key, "r=all").status(), "the read repair was stored");
            assertEquals(404, api(node).get(key + "-fwd", "r=all").status(), "the forwarded write was stored");
            Answer members = api(node).get(raw("/cluster/members"));
            Set<String> ids = new java.util.TreeSet<>();
            members.json().path("members").forEach(m -> ids.add(m.path("id").asText()));
            assertEquals(Set.of("node-1", "node-2", "node-3"), ids, "members seen by node-" + (node + 1));
        }
    }

    private static Socket connect(int node) throws IOException {
        Socket socket = new Socket(TestCluster.HOST, cluster.internodePort(node));
        socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
        return socket;
    }

    /** Writes {@code bytes} (a write failing because the node already closed is fine) and reads until the node closes. */
    private static byte[] sendAndReadUntilClosed(Socket socket, byte[] bytes) throws IOException {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (SocketException closedByNode) {
            // the node cut the connection off while we were still writing
        }
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        try {
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) != -1; ) {
                answer.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // a reset is a close too
        }
        return answer.toByteArray();
    }

    private static byte[] readHandshakeMessage(InputStream in) throws IOException {
        PreAuthReader reader = new PreAuthReader();
        List<byte[]> messages = new ArrayList<>();
        while (messages.isEmpty()) {
            int b = in.read();
            assertFalse(b == -1, "the node closed before its challenge");
            messages.addAll(reader.feed(new byte[] {(byte) b}, 1).messages());
        }
        return messages.get(0);
    }

    private static final SplittableRandom RANDOM = new SplittableRandom(SEED);

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) RANDOM.nextInt(256);
        }
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
