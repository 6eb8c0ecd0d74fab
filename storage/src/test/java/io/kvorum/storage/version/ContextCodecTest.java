package io.kvorum.storage.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.ByteWriter;
import java.util.Base64;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** {@link ContextCodec}: round trips, and every altered, truncated or foreign string rejected as invalid. */
class ContextCodecTest {
    private static final int FORMAT_V1 = 1;

    private static CausalContext randomContext(RandomGenerator random) {
        return VersionFixtures.randomReplicas(random, 3, 1 + random.nextInt(30)).get(random.nextInt(3)).context();
    }

    /** Fails unless decoding {@code text} throws exactly {@link ContextCodec.InvalidContextException}. */
    private static void assertInvalid(String text, String what) {
        try {
            CausalContext decoded = ContextCodec.decode(text);
            fail(what + ": accepted '" + text + "' as " + decoded);
        } catch (ContextCodec.InvalidContextException expected) {
            assertTrue(expected.getMessage().startsWith("context"), "a sentence for the client: " + expected.getMessage());
        } catch (RuntimeException e) {
            fail(what + ": '" + text + "' threw " + e + " instead of InvalidContextException", e);
        }
    }

    // ---- round trips ----

    @Test
    void emptyContextRoundTrips() {
        assertEquals(CausalContext.EMPTY, ContextCodec.decode(ContextCodec.encode(CausalContext.EMPTY)));
    }

    @Test
    void randomContextsRoundTripAsUrlSafeText() {
        Seeds.forEach(0xC7_0001L, 300, (seed, random) -> {
            CausalContext context = randomContext(random);
            String text = ContextCodec.encode(context);
            assertTrue(text.matches("[A-Za-z0-9_-]+"), "URL-safe base64 without padding: " + text);
            assertEquals(context, ContextCodec.decode(text));
        });
    }

    // ---- rejections ----

    @Test
    void rejectsTheEmptyString() {
        assertInvalid("", "empty");
    }

    @Test
    void rejectsTextThatIsNotUrlSafeBase64() {
        String valid = ContextCodec.encode(VersionFixtures.contextOf(VersionFixtures.dot(VersionFixtures.actor("node-a"), 1)));
        for (String text : new String[] {"!!!!", "a b c", "abc=d", "é", valid + "=", valid.replace('A', '+'), "/" + valid, "A"}) {
            assertInvalid(text, "not base64");
        }
    }

    @Test
    void rejectsAnUnknownFormatByteEvenWithAValidChecksum() {
        for (int format : new int[] {0, 2, 0x7F, 0x80, 0xFF}) {
            assertInvalid(withChecksum(format, new byte[] {0, 0}), "format " + format);
        }
        assertEquals(CausalContext.EMPTY, ContextCodec.decode(withChecksum(FORMAT_V1, new byte[] {0, 0})), "the control case decodes");
    }

    @Test
    void rejectsEverySingleBitFlipOfTheEncodedBytes() {
        Seeds.forEach(0xC7_0002L, 30, (seed, random) -> {
            byte[] bytes = Base64.getUrlDecoder().decode(ContextCodec.encode(randomContext(random)));
            for (int bit = 0; bit < bytes.length * 8; bit++) {
                byte[] flipped = bytes.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                assertInvalid(Base64.getUrlEncoder().withoutPadding().encodeToString(flipped), "byte bit " + bit);
            }
        });
    }

    @Test
    void rejectsEverySingleBitFlipOfTheText() {
        Seeds.forEach(0xC7_0003L, 30, (seed, random) -> {
            String text = ContextCodec.encode(randomContext(random));
            for (int i = 0; i < text.length(); i++) {
                for (int bit = 0; bit < 16; bit++) {
                    char[] chars = text.toCharArray();
                    chars[i] ^= (char) (1 << bit);
                    assertInvalid(new String(chars), "char " + i + " bit " + bit);
                }
            }
        });
    }

    @Test
    void rejectsTextThatDecodesToAValidContextButIsNotTheIssuedForm() {
        String issued = withChecksum(FORMAT_V1, new byte[] {0, 0}); // 7 bytes: the last character has 4 unused bits
        char last = issued.charAt(issued.length() - 1);
        String unusedBitSet = issued.substring(0, issued.length() - 1) + (char) (last + 1);
        assertEquals(CausalContext.EMPTY, ContextCodec.decode(issued));
        assertInvalid(unusedBitSet, "an unused bit set");
        assertInvalid(issued + "=", "padded");
    }

    @Test
    void rejectsEveryTruncation() {
        Seeds.forEach(0xC7_0004L, 30, (seed, random) -> {
            String text = ContextCodec.encode(randomContext(random));
            for (int length = 0; length < text.length(); length++) {
                assertInvalid(text.substring(0, length), "prefix of " + length);
                assertInvalid(text.substring(text.length() - length), "suffix of " + length);
            }
        });
    }

    @Test
    void rejectsOverLongInput() {
        assertInvalid("A".repeat(ContextCodec.MAX_ENCODED_CHARS + 1), "over the limit");
        assertInvalid("A".repeat(ContextCodec.MAX_ENCODED_CHARS), "at the limit, but no context");
    }

    @Test
    void rejectsGarbageUnderAValidChecksum() {
        Seeds.forEach(0xC7_0005L, 2000, (seed, random) -> {
            byte[] body = new byte[random.nextInt(24)];
            random.nextBytes(body);
            try {
                ContextCodec.decode(withChecksum(FORMAT_V1, body)); // some garbage is a real context
            } catch (ContextCodec.InvalidContextException expected) {
                // the one allowed failure
            }
        });
    }

    @Test
    void rejectsTrailingBytesUnderAValidChecksum() {
        assertInvalid(withChecksum(FORMAT_V1, new byte[] {0, 0, 0}), "trailing byte");
    }

    /** The text form of {@code format} and {@code body} with a correct checksum. */
    private static String withChecksum(int format, byte[] body) {
        ByteWriter out = new ByteWriter().writeByte(format).writeRaw(body, 0, body.length);
        CRC32C crc = new CRC32C();
        crc.update(out.toByteArray());
        out.writeInt((int) crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out.toByteArray());
    }
}
