package io.kvorum.bench.workload;

import java.util.random.RandomGenerator;

/**
 * Builds records: a JSON object of {@code fieldcount} fields {@code field0..} of {@code fieldlength}
 * random URL-safe characters (no escaping needed), as YCSB's random field values. The first
 * {@link #TAG_LENGTH} characters of {@code field0} are a write tag that names the write uniquely, so
 * the correctness checker can tell which write a read returned.
 */
public final class RecordFactory {

    /** Characters of the write tag at the start of {@code field0}. */
    public static final int TAG_LENGTH = 16;
    /** Tag of a value that did not come from a tagged write (another client, or a malformed value). */
    public static final String UNKNOWN_TAG = "?";

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int fieldCount;
    private final int fieldLength;

    /** A factory for {@code spec}'s record shape. */
    public RecordFactory(WorkloadSpec spec) {
        this.fieldCount = spec.fieldCount();
        this.fieldLength = spec.fieldLength();
    }

    /** A unique tag: {@code writer} (16 bits) and its {@code sequence} (48 bits), in hex. */
    public static String tag(int writer, long sequence) {
        long bits = ((long) (writer & 0xffff) << 48) | (sequence & 0xffff_ffff_ffffL);
        char[] chars = new char[TAG_LENGTH];
        for (int i = TAG_LENGTH - 1; i >= 0; i--) {
            chars[i] = HEX[(int) (bits & 0xf)];
            bits >>>= 4;
        }
        return new String(chars);
    }

    /** The record's JSON text, with {@code tag} at the start of {@code field0}. */
    public String json(String tag, RandomGenerator random) {
        StringBuilder json = new StringBuilder(2 + fieldCount * (fieldLength + 14));
        json.append('{');
        for (int field = 0; field < fieldCount; field++) {
            if (field > 0) {
                json.append(',');
            }
            json.append("\"field").append(field).append("\":\"");
            int start = json.length();
            appendRandom(json, fieldLength, random);
            if (field == 0) {
                json.replace(start, start + Math.min(tag.length(), fieldLength), tag.substring(0,
                        Math.min(tag.length(), fieldLength)));
            }
            json.append('"');
        }
        return json.append('}').toString();
    }

    /** The tag a record written by this factory carries, or {@link #UNKNOWN_TAG}. */
    public static String tagOf(Object value) {
        if (value instanceof io.vertx.core.json.JsonObject object
                && object.getValue("field0") instanceof String field0 && field0.length() >= TAG_LENGTH) {
            return field0.substring(0, TAG_LENGTH);
        }
        return UNKNOWN_TAG;
    }

    private static void appendRandom(StringBuilder out, int length, RandomGenerator random) {
        long bits = 0;
        int left = 0;
        for (int i = 0; i < length; i++) {
            if (left == 0) {
                bits = random.nextLong();
                left = 10;
            }
            out.append(ALPHABET[(int) (bits & 63)]);
            bits >>>= 6;
            left--;
        }
    }
}
