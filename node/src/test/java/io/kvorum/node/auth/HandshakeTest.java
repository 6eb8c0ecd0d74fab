package io.kvorum.node.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.config.ClusterSecret;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Handshake}, {@link PreAuthReader} and {@link FrameMac} as pure code: both sides of a good
 * handshake agree on the peer and the session keys; a wrong secret, cluster name or node id, a
 * replayed or reflected proof, any flipped bit, and old-format bytes all fail; MACs catch altered,
 * replayed, reordered and reflected frames.
 */
class HandshakeTest {
    private static final long SEED = 0x14AL;
    private static final NodeId A = NodeId.of("node-1");
    private static final NodeId B = NodeId.of("node-2");
    private final SplittableRandom random = new SplittableRandom(SEED);

    private byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private Handshake handshake(long salt, String cluster) {
        byte[] secret = new byte[64];
        new SplittableRandom(SEED + salt).nextBytes(secret);
        return new Handshake(Optional.of(ClusterSecret.of(secret)), cluster);
    }

    /** One message body out of a framed handshake message, through the reader. */
    private static byte[] body(byte[] framed) {
        PreAuthReader.Result read = new PreAuthReader().feed(framed, 1);
        assertEquals(1, read.messages().size());
        assertEquals(0, read.rest().length);
        return read.messages().get(0);
    }

    @Test
    void aGoodHandshakeAuthenticatesBothSidesAndAgreesOnTheSessionKeys() {
        Handshake cluster = handshake(1, "kvorum");
        Handshake.Dialer dialer = cluster.dialer(A, B, bytes(32));
        Handshake.Listener listener = handshake(1, "kvorum").listener(B, bytes(32));
        byte[] challenge = listener.onHello(body(dialer.hello()));
        Handshake.Established established = dialer.onChallenge(body(challenge));
        Handshake.Session listenerSession = listener.onProof(body(established.proof()));
        assertEquals(A, listenerSession.peer());
        assertEquals(B, established.session().peer());
        byte[] payload = bytes(100);
        byte[] frame = concat(payload, established.session().sending().sign(payload));
        assertArrayEquals(payload, listenerSession.receiving().verify(frame));
        byte[] back = bytes(10);
        assertArrayEquals(back, established.session().receiving().verify(concat(back, listenerSession.sending().sign(back))));
    }

    @Test
    void aWrongSecretFailsOnBothSides() {
        Handshake.Dialer outsider = handshake(2, "kvorum").dialer(A, B, bytes(32));
        Handshake.Listener member = handshake(1, "kvorum").listener(B, bytes(32));
        byte[] challenge = member.onHello(body(outsider.hello()));
        assertThrows(AuthenticationException.class, () -> outsider.onChallenge(body(challenge)),
                "an outsider cannot verify the member's proof");
        // Nor can it answer: run its own (wrong-key) proof against the member.
        Handshake.Dialer honest = handshake(1, "kvorum").dialer(A, B, bytes(32));
        Handshake.Listener impostor = handshake(2, "kvorum").listener(B, bytes(32));
        byte[] fake = impostor.onHello(body(honest.hello()));
        assertThrows(AuthenticationException.class, () -> honest.onChallenge(body(fake)), "a member refuses an impostor listener");
        Handshake.Listener member2 = handshake(1, "kvorum").listener(B, bytes(32));
        member2.onHello(body(handshake(2, "kvorum").dialer(A, B, bytes(32)).hello()));
        byte[] madeUp = PreAuthReader.frame(concat(new byte[] {3}, bytes(32)));
        assertThrows(AuthenticationException.class, () -> member2.onProof(body(madeUp)));
    }

    @Test
    void aProofFromAnotherConnectionIsNotAccepted() {
        Handshake cluster = handshake(1, "kvorum");
        Handshake.Dialer dialer = cluster.dialer(A, B, bytes(32));
        Handshake.Listener first = cluster.listener(B, bytes(32));
        Handshake.Established established = dialer.onChallenge(body(first.onHello(body(dialer.hello()))));
        // An eavesdropper replays the hello and the proof on a new connection: the listener's new nonce changes T.
        Handshake.Listener second = cluster.listener(B, bytes(32));
        second.onHello(body(dialer.hello()));
        assertThrows(AuthenticationException.class, () -> second.onProof(body(established.proof())));
    }

    @Test
    void theListenersProofCannotBeReflectedAsTheDialers() {
        Handshake cluster = handshake(1, "kvorum");
        byte[] nonce = bytes(32);
        Handshake.Listener listener = cluster.listener(B, nonce);
        Handshake.Dialer dialer = cluster.dialer(A, B, bytes(32));
        byte[] challenge = body(listener.onHello(body(dialer.hello())));
        byte[] listenerMac = Arrays.copyOfRange(challenge, challenge.length - 32, challenge.length);
        byte[] reflected = PreAuthReader.frame(concat(new byte[] {3}, listenerMac));
        assertThrows(AuthenticationException.class, () -> listener.onProof(body(reflected)));
    }

    @Test
    void namesMustMatch() {
        Handshake kvorum = handshake(1, "kvorum");
        assertThrows(AuthenticationException.class,
                () -> kvorum.listener(B, bytes(32)).onHello(body(handshake(1, "other").dialer(A, B, bytes(32)).hello())),
                "another cluster's name");
        assertThrows(AuthenticationException.class,
                () -> kvorum.listener(NodeId.of("node-3"), bytes(32)).onHello(body(kvorum.dialer(A, B, bytes(32)).hello())),
                "a hello meant for another node");
        Handshake.Dialer dialer = kvorum.dialer(A, NodeId.of("node-3"), bytes(32));
        byte[] fromB = kvorum.listener(B, bytes(32)).onHello(body(kvorum.dialer(A, B, bytes(32)).hello()));
        assertThrows(AuthenticationException.class, () -> dialer.onChallenge(body(fromB)), "the wrong node answered");
    }

    @Test
    void everyFlippedBitOfTheChallengeOrProofFails() {
        Handshake cluster = handshake(1, "kvorum");
        Handshake.Dialer dialer = cluster.dialer(A, B, bytes(32));
        byte[] listenerNonce = bytes(32);
        byte[] challenge = body(cluster.listener(B, listenerNonce).onHello(body(dialer.hello())));
        for (int i = 0; i < challenge.length * 8; i++) {
            byte[] altered = challenge.clone();
            altered[i / 8] ^= (byte) (1 << (i % 8));
            assertThrows(RuntimeException.class, () -> dialer.onChallenge(altered), "bit " + i);
        }
        Handshake.Listener listener = cluster.listener(B, bytes(32));
        byte[] proof = body(dialer.onChallenge(body(listener.onHello(body(dialer.hello())))).proof());
        for (int i = 0; i < proof.length * 8; i++) {
            byte[] altered = proof.clone();
            altered[i / 8] ^= (byte) (1 << (i % 8));
            assertThrows(AuthenticationException.class, () -> listener.onProof(altered), "bit " + i);
        }
        assertEquals(A, listener.onProof(proof).peer(), "the unaltered proof still passes");
    }

    @Test
    void thePreAuthReaderFailsOnTheFirstBadByteAndHoldsAFewKibAtMost() {
        byte[] oldFormat = {0, 0, 0, 18, 0x4B, 0x56, 0x52, 0x4D};
        AuthenticationException error = assertThrows(AuthenticationException.class, () -> new PreAuthReader().feed(oldFormat, 1));
        assertTrue(error.getMessage().contains("byte 0"), error.getMessage());
        assertThrows(AuthenticationException.class, () -> new PreAuthReader().feed(new byte[] {'K', 'V', 'X'}, 1));
        byte[] huge = {'K', 'V', 'A', '1', (byte) 0x10, 0x01};
        assertThrows(AuthenticationException.class, () -> new PreAuthReader().feed(huge, 1), "4097 bytes declared");
        PreAuthReader reader = new PreAuthReader();
        byte[] framed = PreAuthReader.frame(bytes(PreAuthReader.BODY_BYTES_MAX));
        byte[] rest = reader.feed(Arrays.copyOf(framed, framed.length - 1), 1).rest();
        assertEquals(0, rest.length);
        assertEquals(PreAuthReader.HEADER_BYTES + PreAuthReader.BODY_BYTES_MAX - 1, reader.buffered());
        PreAuthReader.Result read = reader.feed(new byte[] {framed[framed.length - 1], 9, 9}, 1);
        assertEquals(1, read.messages().size());
        assertArrayEquals(new byte[] {9, 9}, read.rest(), "bytes after the message are left for the framed stream");
    }

    @Test
    void frameMacsCatchAlteredReplayedReorderedAndReflectedFrames() {
        byte[] key = bytes(32);
        FrameMac sender = new FrameMac(key);
        List<byte[]> payloads = List.of(bytes(5), bytes(0), bytes(300));
        List<byte[]> frames = payloads.stream().map(p -> concat(p, sender.sign(p))).toList();
        FrameMac receiver = new FrameMac(key);
        assertArrayEquals(payloads.get(0), receiver.verify(frames.get(0)));
        assertThrows(AuthenticationException.class, () -> receiver.verify(frames.get(0)), "a replay");
        FrameMac reordered = new FrameMac(key);
        assertThrows(AuthenticationException.class, () -> reordered.verify(frames.get(1)), "out of order");
        FrameMac altered = new FrameMac(key);
        byte[] flipped = frames.get(0).clone();
        flipped[0] ^= 1;
        assertThrows(AuthenticationException.class, () -> altered.verify(flipped));
        assertThrows(AuthenticationException.class, () -> new FrameMac(bytes(32)).verify(frames.get(0)), "another direction's key");
        assertThrows(AuthenticationException.class, () -> new FrameMac(key).verify(new byte[31]), "shorter than a MAC");
    }

    @Test
    void withoutASecretTheHandshakeStillRunsButASecretHolderRefusesIt() {
        Handshake open = new Handshake(Optional.empty(), "kvorum");
        Handshake.Dialer dialer = open.dialer(A, B, bytes(32));
        Handshake.Listener listener = new Handshake(Optional.empty(), "kvorum").listener(B, bytes(32));
        assertEquals(A, listener.onProof(body(dialer.onChallenge(body(listener.onHello(body(dialer.hello())))).proof())).peer());
        Handshake.Listener guarded = handshake(1, "kvorum").listener(B, bytes(32));
        Handshake.Dialer stranger = open.dialer(A, B, bytes(32));
        byte[] challenge = guarded.onHello(body(stranger.hello()));
        assertThrows(AuthenticationException.class, () -> stranger.onChallenge(body(challenge)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
