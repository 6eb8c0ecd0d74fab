package io.kvorum.http;

import java.util.Locale;
import java.util.Optional;

/**
 * What a bearer token may do. {@code admin} includes {@code read} and {@code write} (an operator who
 * may remove nodes may also read and write); {@code write} does not include {@code read}, so that a
 * write-only ingest token cannot read data back.
 */
enum Role {
    READ, WRITE, ADMIN;

    /** The name in the tokens file and in 403 messages: {@code read}, {@code write}, {@code admin}. */
    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Role> parse(String text) {
        for (Role role : values()) {
            if (role.wire().equals(text)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
