package io.kvorum.bench.workload;

import io.kvorum.bench.generator.Fnv;

/** YCSB's key naming ({@code CoreWorkload.buildKeyName}): {@code "user"} + the FNV-hashed ordinal. */
public final class KeyNames {

    private KeyNames() {
    }

    /**
     * The key of record {@code ordinal}: hashed unless {@code orderedInserts}, left-padded with zeros
     * to {@code zeroPadding} digits, after the prefix {@code user}.
     */
    public static String keyName(long ordinal, boolean orderedInserts, int zeroPadding) {
        long number = orderedInserts ? ordinal : Fnv.hash64(ordinal);
        String digits = Long.toString(number);
        StringBuilder key = new StringBuilder(4 + Math.max(zeroPadding, digits.length()));
        key.append("user");
        for (int fill = zeroPadding - digits.length(); fill > 0; fill--) {
            key.append('0');
        }
        return key.append(digits).toString();
    }
}
