package io.kvorum.node.auth;

import io.kvorum.config.ClusterSecret;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * The MAC of every frame in one direction of an authenticated connection: HMAC-SHA256 under that
 * direction's session key over the frame's sequence number (8 bytes, from 0) and its payload.
 *
 * <p>The sequence number is never sent: both ends count. So a frame that was replayed, dropped,
 * reordered or reflected back (the other direction has another key) fails the check, as does any
 * altered byte. Not thread-safe: one per direction, owned by the connection's event loop.
 */
public final class FrameMac {
    public static final int MAC_BYTES = 32;

    private final Mac mac;
    private final byte[] sequenceBytes = new byte[Long.BYTES];
    private final byte[] expected = new byte[MAC_BYTES];
    private long sequence;

    public FrameMac(byte[] sessionKey) {
        mac = ClusterSecret.newHmac(sessionKey);
    }

    /** The MAC of the next frame sent, {@code payload}; advances the sequence. */
    public byte[] sign(byte[] payload) {
        update(payload, 0, payload.length);
        return mac.doFinal();
    }

    /**
     * Checks the next frame received, {@code frame} = payload then MAC; returns the payload.
     *
     * @throws AuthenticationException when the MAC does not match (altered, replayed, reordered or forged)
     */
    public byte[] verify(byte[] frame) {
        return java.util.Arrays.copyOf(frame, check(frame));
    }

    /**
     * As {@link #verify}, in place: returns how many bytes at the start of {@code frame} are its
     * payload (every inbound frame passes here, so no copy is made of it or its MAC).
     */
    public int check(byte[] frame) {
        if (frame.length < MAC_BYTES) {
            throw new AuthenticationException("frame of " + frame.length + " bytes is too short to carry a MAC");
        }
        int payloadBytes = frame.length - MAC_BYTES;
        update(frame, 0, payloadBytes);
        try {
            mac.doFinal(expected, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException("an HMAC-SHA256 is " + MAC_BYTES + " bytes", e);
        }
        int difference = 0; // constant time, as MessageDigest.isEqual
        for (int i = 0; i < MAC_BYTES; i++) {
            difference |= expected[i] ^ frame[payloadBytes + i];
        }
        if (difference != 0) {
            throw new AuthenticationException("frame " + (sequence - 1) + " fails its MAC: altered, replayed or forged");
        }
        return payloadBytes;
    }

    /** Feeds the next sequence number and {@code data} to the MAC; advances the sequence. */
    private void update(byte[] data, int offset, int length) {
        long s = sequence++;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            sequenceBytes[i] = (byte) s;
            s >>>= 8;
        }
        mac.update(sequenceBytes);
        mac.update(data, offset, length);
    }
}
