package io.kvorum.node.auth;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.NodeId;
import io.kvorum.config.ClusterSecret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The mutual challenge-response that opens every internode connection, before any other byte is
 * parsed. Three messages (each framed by {@link PreAuthReader}):
 *
 * <pre>
 *   dialer -> listener  HELLO     version, cluster name, dialer id, listener id it expects, nonce_d
 *   listener -> dialer  CHALLENGE listener id, nonce_l, HMAC(k, "listener" | T)
 *   dialer -> listener  PROOF     HMAC(k, "dialer" | T)
 *   T = cluster name | dialer id | listener id | nonce_d | nonce_l     k = secret.derive(KEY_LABEL)
 * </pre>
 *
 * <p>Each side proves it holds the cluster secret over both fresh nonces, so neither proof can be
 * replayed on another connection; the role labels stop a proof from being reflected back; the names
 * bind it to this cluster and this pair of nodes (the dialer refuses a listener that is not the node
 * it meant to reach). Each direction's frames are then MACed under its own session key,
 * HMAC(k, "dialer->listener" | T) and HMAC(k, "listener->dialer" | T) (see {@link FrameMac}).
 *
 * <p>Without a secret (a loopback-only node, which warns) the same exchange runs under a well-known
 * key: it authenticates nothing, but keeps one wire format, and a node that has a secret refuses it.
 * Pure: nonces come from the caller. Any failure is an {@link AuthenticationException}.
 */
public final class Handshake {
    public static final int VERSION = 2;
    public static final int NONCE_BYTES = 32;
    static final String KEY_LABEL = "kvorum internode handshake v2";
    private static final int HELLO = 1;
    private static final int CHALLENGE = 2;
    private static final int PROOF = 3;
    private static final int NAME_BYTES_MAX = 64;
    /** The key of nodes without a secret; public, so it authenticates nothing (see the class note). */
    private static final ClusterSecret UNAUTHENTICATED = ClusterSecret.of(
            "kvorum: no cluster secret configured (loopback only)".getBytes(StandardCharsets.UTF_8));

    private final byte[] key;
    private final String cluster;

    /** An authenticated connection's two MACs, and who the peer is. */
    public record Session(NodeId peer, FrameMac sending, FrameMac receiving) {}

    public Handshake(java.util.Optional<ClusterSecret> secret, String clusterName) {
        this.key = secret.orElse(UNAUTHENTICATED).derive(KEY_LABEL);
        this.cluster = clusterName;
    }

    /** The dialing side of one connection, from {@code self} to the node it expects, {@code listener}. */
    public Dialer dialer(NodeId self, NodeId listener, byte[] nonce) {
        return new Dialer(self, listener, checkNonce(nonce));
    }

    /** The listening side of one connection accepted by {@code self}. */
    public Listener listener(NodeId self, byte[] nonce) {
        return new Listener(self, checkNonce(nonce));
    }

    /** The dialer: sends {@link #hello()}, then answers the challenge with its proof. */
    public final class Dialer {
        private final NodeId self;
        private final NodeId listener;
        private final byte[] nonce;

        private Dialer(NodeId self, NodeId listener, byte[] nonce) {
            this.self = self;
            this.listener = listener;
            this.nonce = nonce;
        }

        /** The first message, framed. */
        public byte[] hello() {
            return PreAuthReader.frame(new ByteWriter().writeByte(HELLO).writeByte(VERSION).writeString(cluster)
                    .writeString(self.value()).writeString(listener.value()).writeRaw(nonce, 0, nonce.length).toByteArray());
        }

        /** Checks the listener's challenge; returns the framed proof to send and the session. */
        public Established onChallenge(byte[] body) {
            ByteReader in = reader(body, CHALLENGE);
            NodeId claimed = readNodeId(in);
            if (!claimed.equals(listener)) {
                throw new AuthenticationException("expected " + listener + " at that address, but " + claimed + " answered");
            }
            byte[] listenerNonce = readRaw(in, NONCE_BYTES);
            byte[] mac = readRaw(in, 32);
            in.expectEnd();
            byte[] transcript = transcript(self, listener, nonce, listenerNonce);
            if (!MessageDigest.isEqual(mac, hmac("listener", transcript))) {
                throw new AuthenticationException(listener + " did not prove it holds the cluster secret");
            }
            byte[] proof = PreAuthReader.frame(new ByteWriter().writeByte(PROOF)
                    .writeRaw(hmac("dialer", transcript), 0, 32).toByteArray());
            return new Established(proof, new Session(listener,
                    new FrameMac(hmac("dialer->listener", transcript)), new FrameMac(hmac("listener->dialer", transcript))));
        }
    }

    /** What the dialer sends last, and its session. */
    public record Established(byte[] proof, Session session) {}

    /** The listener: answers a hello with a challenge, then checks the proof. */
    public final class Listener {
        private final NodeId self;
        private final byte[] nonce;
        private byte[] transcript;
        private NodeId dialer;

        private Listener(NodeId self, byte[] nonce) {
            this.self = self;
            this.nonce = nonce;
        }

        /** Checks the hello's names and version; returns the framed challenge. */
        public byte[] onHello(byte[] body) {
            if (transcript != null) {
                throw new AuthenticationException("a second hello");
            }
            ByteReader in = reader(body, HELLO);
            int version = in.hasRemaining() ? in.readByte() : -1;
            if (version != VERSION) {
                throw new AuthenticationException("peer speaks internode protocol " + version + ", this node " + VERSION);
            }
            String theirCluster = readString(in);
            if (!theirCluster.equals(cluster)) {
                throw new AuthenticationException("peer belongs to cluster '" + theirCluster + "', this node to '" + cluster + "'");
            }
            NodeId from = readNodeId(in);
            NodeId to = readNodeId(in);
            if (!to.equals(self)) {
                throw new AuthenticationException("peer " + from + " meant to reach " + to + ", not " + self);
            }
            byte[] dialerNonce = readRaw(in, NONCE_BYTES);
            in.expectEnd();
            dialer = from;
            transcript = transcript(from, self, dialerNonce, nonce);
            return PreAuthReader.frame(new ByteWriter().writeByte(CHALLENGE).writeString(self.value())
                    .writeRaw(nonce, 0, NONCE_BYTES).writeRaw(hmac("listener", transcript), 0, 32).toByteArray());
        }

        /** Checks the dialer's proof; returns the session. */
        public Session onProof(byte[] body) {
            if (transcript == null) {
                throw new AuthenticationException("a proof before any hello");
            }
            ByteReader in = reader(body, PROOF);
            byte[] mac = readRaw(in, 32);
            in.expectEnd();
            if (!MessageDigest.isEqual(mac, hmac("dialer", transcript))) {
                throw new AuthenticationException(dialer + " did not prove it holds the cluster secret");
            }
            return new Session(dialer, new FrameMac(hmac("listener->dialer", transcript)),
                    new FrameMac(hmac("dialer->listener", transcript)));
        }
    }

    private byte[] transcript(NodeId dialer, NodeId listener, byte[] dialerNonce, byte[] listenerNonce) {
        return new ByteWriter().writeString(cluster).writeString(dialer.value()).writeString(listener.value())
                .writeRaw(dialerNonce, 0, NONCE_BYTES).writeRaw(listenerNonce, 0, NONCE_BYTES).toByteArray();
    }

    private byte[] hmac(String label, byte[] transcript) {
        return ClusterSecret.hmac(key, new ByteWriter().writeString(label).writeRaw(transcript, 0, transcript.length).toByteArray());
    }

    private static ByteReader reader(byte[] body, int type) {
        if (body.length == 0) {
            throw new AuthenticationException("an empty handshake message");
        }
        ByteReader in = new ByteReader(body);
        int actual = in.readByte();
        if (actual != type) {
            throw new AuthenticationException("handshake message " + actual + " where " + type + " belongs");
        }
        return in;
    }

    private static NodeId readNodeId(ByteReader in) {
        String id = readString(in);
        if (!NodeId.isValid(id)) {
            throw new AuthenticationException("handshake names an invalid node id");
        }
        return NodeId.of(id);
    }

    private static String readString(ByteReader in) {
        try {
            return in.readString(NAME_BYTES_MAX);
        } catch (ByteReader.MalformedException e) {
            throw new AuthenticationException("malformed handshake: " + e.getMessage());
        }
    }

    private static byte[] readRaw(ByteReader in, int length) {
        if (in.remaining() < length) {
            throw new AuthenticationException("handshake message is truncated");
        }
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) in.readByte();
        }
        return bytes;
    }

    private static byte[] checkNonce(byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a nonce has " + NONCE_BYTES + " bytes, got " + nonce.length);
        }
        return nonce.clone();
    }
}
