package io.kvorum.node.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits the bytes a connection receives before it is authenticated into handshake messages: each
 * is the 4-byte {@link #MAGIC}, a 2-byte big-endian length of at most {@link #BODY_BYTES_MAX}, and
 * the body.
 *
 * <p>Why this shape: nothing a stranger sends may make the node hold more than a few KiB, and a
 * stranger is cut off on the first byte that cannot start a handshake. The magic is checked byte by
 * byte as it arrives, so a peer speaking the old format (a 4-byte frame length first) or anything
 * else fails on its first byte; the length is checked before any body byte is kept. At most
 * {@link #HEADER_BYTES} + {@link #BODY_BYTES_MAX} bytes are ever held.
 */
public final class PreAuthReader {
    /** "KVA1": Kvorum authenticated handshake, format 1. */
    public static final byte[] MAGIC = {'K', 'V', 'A', '1'};
    public static final int HEADER_BYTES = MAGIC.length + 2;
    /** A handshake message holds two short names, a cluster name, a nonce and a MAC: well under 1 KiB. */
    public static final int BODY_BYTES_MAX = 4096;

    private final byte[] pending = new byte[HEADER_BYTES + BODY_BYTES_MAX];
    private int filled;

    /** Bytes and what is left of a chunk after the last complete message asked for, see {@link #feed}. */
    public record Result(List<byte[]> messages, byte[] rest) {}

    /**
     * Consumes {@code chunk}, returning the complete message bodies in it. Stops after
     * {@code messagesMax} messages and returns the remaining bytes of the chunk untouched (they belong
     * to the authenticated stream that follows the handshake).
     *
     * @throws AuthenticationException on the first byte that is not a valid handshake byte
     */
    public Result feed(byte[] chunk, int messagesMax) {
        List<byte[]> messages = new ArrayList<>();
        int i = 0;
        while (i < chunk.length && messages.size() < messagesMax) {
            byte b = chunk[i++];
            if (filled < MAGIC.length && b != MAGIC[filled]) {
                throw new AuthenticationException("not a Kvorum handshake (byte " + filled + " is 0x"
                        + Integer.toHexString(b & 0xff) + "): an old or foreign protocol");
            }
            pending[filled++] = b;
            if (filled == HEADER_BYTES) {
                int length = bodyLength();
                if (length > BODY_BYTES_MAX) {
                    throw new AuthenticationException("handshake message of " + length + " bytes exceeds " + BODY_BYTES_MAX);
                }
            }
            if (filled >= HEADER_BYTES && filled == HEADER_BYTES + bodyLength()) {
                messages.add(Arrays.copyOfRange(pending, HEADER_BYTES, filled));
                filled = 0;
            }
        }
        return new Result(messages, Arrays.copyOfRange(chunk, i, chunk.length));
    }

    /** Bytes buffered towards an incomplete message (for tests of the bound). */
    public int buffered() {
        return filled;
    }

    private int bodyLength() {
        return ((pending[MAGIC.length] & 0xff) << 8) | (pending[MAGIC.length + 1] & 0xff);
    }

    /** {@code body} framed as a handshake message. */
    public static byte[] frame(byte[] body) {
        if (body.length > BODY_BYTES_MAX) {
            throw new IllegalArgumentException("handshake body of " + body.length + " bytes");
        }
        byte[] framed = Arrays.copyOf(MAGIC, HEADER_BYTES + body.length);
        framed[MAGIC.length] = (byte) (body.length >>> 8);
        framed[MAGIC.length + 1] = (byte) body.length;
        System.arraycopy(body, 0, framed, HEADER_BYTES, body.length);
        return framed;
    }
}
