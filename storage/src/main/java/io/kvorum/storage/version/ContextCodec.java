package io.kvorum.storage.version;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import java.util.Base64;
import java.util.zip.CRC32C;

/**
 * The opaque context string clients carry between a read and the next write (api.md): URL-safe
 * base64 without padding of a format byte, the binary {@link CausalContext}, and a CRC32C.
 *
 * <p>The checksum is there so that a context mangled in transit (a truncated copy-paste, a wrong
 * variable) is rejected as {@code invalid_context} instead of being read as some other history,
 * which could make a write supersede versions its writer never saw.
 */
public final class ContextCodec {
    private static final int FORMAT_V1 = 1;
    /** Far above any real context (a few hundred bytes) and far below anything that hurts. */
    public static final int MAX_ENCODED_CHARS = 65_536;

    private ContextCodec() {}

    public static String encode(CausalContext context) {
        ByteWriter out = new ByteWriter();
        out.writeByte(FORMAT_V1);
        VersionCodec.writeContext(out, context);
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /**
     * Decodes a client's context string.
     *
     * @throws InvalidContextException with a sentence for the client when it is not a context this
     *     store issued
     */
    public static CausalContext decode(String text) {
        byte[] bytes = canonicalBytes(text);
        if (bytes.length < 5 || bytes[0] != FORMAT_V1) {
            throw new InvalidContextException("context has an unknown format");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteReader trailer = new ByteReader(bytes, bytes.length - 4, 4);
        if ((int) crc.getValue() != trailer.readInt()) {
            throw new InvalidContextException("context checksum does not match: it was altered or truncated");
        }
        try {
            ByteReader in = new ByteReader(bytes, 1, bytes.length - 5);
            CausalContext context = VersionCodec.readContext(in);
            in.expectEnd();
            return context;
        } catch (MalformedException e) {
            throw new InvalidContextException("context does not decode: " + e.getMessage());
        }
    }

    /** The bytes of a context string, which must be exactly what an encoder issues (canonical base64, bounded length). */
    static byte[] canonicalBytes(String text) {
        if (text.isEmpty() || text.length() > MAX_ENCODED_CHARS) {
            throw new InvalidContextException("context must be 1 to " + MAX_ENCODED_CHARS + " characters");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidContextException("context is not URL-safe base64");
        }
        // The JDK decoder ignores the unused low bits of the last character and accepts padding, so
        // several strings decode to one context; only the one encode() issues is accepted, so that
        // every altered character is rejected.
        if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(text)) {
            throw new InvalidContextException("context is not in canonical form: it was altered");
        }
        return bytes;
    }

    /** A client context that does not decode; the message is safe to show the client. */
    public static final class InvalidContextException extends RuntimeException {
        public InvalidContextException(String message) {
            super(message);
        }
    }
}
