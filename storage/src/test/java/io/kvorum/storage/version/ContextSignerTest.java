package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.contextOf;
import static io.kvorum.storage.version.VersionFixtures.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.config.ClusterSecret;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextSigner}: contexts signed under the cluster secret round-trip on every node that holds
 * it, and anything else is {@code invalid_context}: an unsigned (CRC-only) context, one signed under
 * another secret, any altered byte, and a counter past {@link ContextSigner#COUNTER_MAX}.
 */
class ContextSignerTest {
    private static final long SEED = 2014L;
    private static final ClusterSecret SECRET = secret(1);
    private static final ContextSigner SIGNER = ContextSigner.signed(SECRET);

    private static ClusterSecret secret(long salt) {
        byte[] bytes = new byte[64];
        new SplittableRandom(SEED + salt).nextBytes(bytes);
        return ClusterSecret.of(bytes);
    }

    private static void assertInvalid(ContextSigner signer, String text, String why) {
        ContextCodec.InvalidContextException error = assertThrows(ContextCodec.InvalidContextException.class,
                () -> signer.decode(text), why);
        assertFalse(error.getMessage().isBlank());
    }

    @Test
    void aSignedContextRoundTripsOnEveryNodeHoldingTheSecret() {
        CausalContext context = contextOf(dot(actor("node-1"), 3), dot(actor("node-2"), 9));
        String text = SIGNER.encode(context);
        assertEquals(context, SIGNER.decode(text));
        assertEquals(context, ContextSigner.signed(secret(1)).decode(text), "another node with the same secret");
        assertEquals(CausalContext.EMPTY, SIGNER.decode(SIGNER.encode(CausalContext.EMPTY)));
        assertTrue(SIGNER.isSigned());
    }

    @Test
    void forgeriesAreRejected() {
        CausalContext context = contextOf(dot(actor("node-1"), 3));
        assertInvalid(SIGNER, ContextCodec.encode(context), "an unsigned context with a valid CRC");
        assertInvalid(SIGNER, ContextSigner.signed(secret(2)).encode(context), "signed under another secret");
        assertInvalid(ContextSigner.unsigned(), SIGNER.encode(context), "a signed context on a node without a secret");
    }

    @Test
    void everyAlteredByteIsRejected() {
        byte[] bytes = Base64.getUrlDecoder().decode(SIGNER.encode(contextOf(dot(actor("node-1"), 3), dot(actor("node-2"), 4))));
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] altered = bytes.clone();
                altered[i] ^= (byte) (1 << bit);
                assertInvalid(SIGNER, Base64.getUrlEncoder().withoutPadding().encodeToString(altered), "byte " + i + " bit " + bit);
            }
        }
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertInvalid(SIGNER, Base64.getUrlEncoder().withoutPadding().encodeToString(truncated), "truncated");
    }

    @Test
    void absurdCountersAreRejectedEvenWhenSigned() {
        long issue14 = Long.MAX_VALUE - 1;
        assertInvalid(SIGNER, SIGNER.encode(contextOf(dot(actor("node-1"), issue14))), "2^63-2, signed");
        assertInvalid(ContextSigner.unsigned(), ContextCodec.encode(contextOf(dot(actor("node-1"), issue14))), "2^63-2, unsigned");
        CausalContext cloud = contextOf(dot(actor("node-1"), 1), dot(actor("node-1"), ContextSigner.COUNTER_MAX + 1));
        assertInvalid(SIGNER, SIGNER.encode(cloud), "a cloud dot past the bound");
        CausalContext atBound = contextOf(dot(actor("node-1"), ContextSigner.COUNTER_MAX));
        assertEquals(atBound, SIGNER.decode(SIGNER.encode(atBound)), "the bound itself is allowed");
    }

    @Test
    void cappedAtDropsOnlyTheActorsDotsAboveTheCap() {
        Actor self = actor("node-1");
        CausalContext claims = contextOf(dot(self, 1), dot(self, 2), dot(self, 50), dot(actor("node-2"), 7));
        CausalContext capped = claims.cappedAt(self, 2);
        assertEquals(2, capped.maxCounter(self));
        assertEquals(7, capped.maxCounter(actor("node-2")));
        assertTrue(capped.contains(dot(self, 2)));
        assertFalse(capped.contains(dot(self, 50)));
        assertEquals(claims, claims.cappedAt(self, 50), "nothing above the cap: unchanged");
        assertEquals(7, contextOf(dot(self, 9), dot(actor("node-2"), 7)).cappedAt(self, 0).maxCounter(actor("node-2")));
    }
}
