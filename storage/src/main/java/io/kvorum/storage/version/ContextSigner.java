package io.kvorum.storage.version;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteReader.MalformedException;
import io.kvorum.common.ByteWriter;
import io.kvorum.config.ClusterSecret;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;

/**
 * Issues and checks the context strings clients carry, signed so that they cannot be forged: URL-safe
 * base64 without padding of a format byte (2), the binary {@link CausalContext} and a 16-byte
 * HMAC-SHA256 tag under a key derived from the cluster secret. Every node of a cluster derives the
 * same key, so a context read through one node can be written through any other.
 *
 * <p>Why: a context is a claim about which versions its writer has seen, and the coordinator acts on
 * it (it drops the siblings it covers, and its own counters must stay above it). A client that could
 * write any claim could erase versions it never read or, with an absurd counter for a node's own
 * actor, push that node's counters to overflow (issue 14). So a context is accepted only as a node of
 * this cluster issued it, and, as a second line, with every counter at most {@link #COUNTER_MAX}.
 *
 * <p>Without a secret (a loopback-only node) contexts keep the unsigned CRC format of
 * {@link ContextCodec}; the counter bound still applies. Immutable; thread-safe.
 */
public final class ContextSigner {
    /** Derivation label of the context key: independent of every other key derived from the secret. */
    public static final String KEY_LABEL = "kvorum client context v2";
    /**
     * Largest counter a client context may carry: 2^48 dots of one actor is a million writes a
     * second through one node for nine years without a restart (each start is a new actor), and it
     * leaves 2^15 times as much room before a counter could overflow.
     */
    public static final long COUNTER_MAX = 1L << 48;
    private static final int FORMAT_SIGNED = 2;
    private static final int TAG_BYTES = 16;

    private final byte[] key;
    /**
     * One initialised MAC per thread (a {@code Mac} is not thread-safe): every read's answer is
     * signed, and looking the algorithm up and keying it for each was 3% of a node's CPU (issue 16).
     */
    private final ThreadLocal<Mac> macs;

    private ContextSigner(byte[] key) {
        this.key = key;
        this.macs = key == null ? null : ThreadLocal.withInitial(() -> ClusterSecret.newHmac(key));
    }

    /** Contexts signed with a key derived from {@code secret}. */
    public static ContextSigner signed(ClusterSecret secret) {
        return new ContextSigner(secret.derive(KEY_LABEL));
    }

    /** Contexts as {@link ContextCodec} writes them, unsigned: only for a node without a cluster secret. */
    public static ContextSigner unsigned() {
        return new ContextSigner(null);
    }

    public boolean isSigned() {
        return key != null;
    }

    public String encode(CausalContext context) {
        if (key == null) {
            return ContextCodec.encode(context);
        }
        ByteWriter out = new ByteWriter();
        out.writeByte(FORMAT_SIGNED);
        VersionCodec.writeContext(out, context);
        byte[] body = out.toByteArray();
        out.writeRaw(tag(body, body.length), 0, TAG_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }

    /**
     * Decodes a client's context string.
     *
     * @throws ContextCodec.InvalidContextException with a sentence for the client when this cluster
     *     did not issue it, it was altered, or it carries an absurd counter
     */
    public CausalContext decode(String text) {
        CausalContext context = key == null ? ContextCodec.decode(text) : decodeSigned(text);
        requireSaneCounters(context);
        return context;
    }

    private CausalContext decodeSigned(String text) {
        byte[] bytes = ContextCodec.canonicalBytes(text);
        if (bytes.length < 1 + TAG_BYTES || bytes[0] != FORMAT_SIGNED) {
            throw new ContextCodec.InvalidContextException("context was not issued by this cluster (unsigned or unknown format)");
        }
        int bodyBytes = bytes.length - TAG_BYTES;
        if (!MessageDigest.isEqual(tag(bytes, bodyBytes), Arrays.copyOfRange(bytes, bodyBytes, bytes.length))) {
            throw new ContextCodec.InvalidContextException("context signature does not match: it was altered, forged or"
                    + " issued by another cluster");
        }
        try {
            ByteReader in = new ByteReader(bytes, 1, bodyBytes - 1);
            CausalContext context = VersionCodec.readContext(in);
            in.expectEnd();
            return context;
        } catch (MalformedException | IllegalArgumentException | IllegalStateException e) {
            throw new ContextCodec.InvalidContextException("context does not decode: " + e.getMessage());
        }
    }

    private byte[] tag(byte[] bytes, int length) {
        Mac mac = macs.get();
        mac.update(bytes, 0, length);
        return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
    }

    /** Rejects a context with a counter no real history reaches (see {@link #COUNTER_MAX}). */
    static void requireSaneCounters(CausalContext context) {
        for (Map.Entry<Actor, CausalContext.Entry> entry : context.entries().entrySet()) {
            if (entry.getValue().counter() > COUNTER_MAX) {
                throw absurd(entry.getKey(), entry.getValue().counter());
            }
        }
        for (Dot dot : context.cloud()) {
            if (dot.counter() > COUNTER_MAX) {
                throw absurd(dot.actor(), dot.counter());
            }
        }
    }

    private static ContextCodec.InvalidContextException absurd(Actor actor, long counter) {
        return new ContextCodec.InvalidContextException("context claims counter " + counter + " for " + actor.node()
                + ", above the largest possible " + COUNTER_MAX);
    }
}
