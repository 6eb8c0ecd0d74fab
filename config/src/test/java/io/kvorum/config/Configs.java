package io.kvorum.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.function.Executable;

/** Shortcuts for loading configurations and checking error messages in tests. */
final class Configs {
    private Configs() {}

    /** Loads from flags only, with an empty environment. */
    static KvorumConfig fromFlags(String... args) {
        return ConfigLoader.load(List.of(args), Map.of());
    }

    /** Asserts that {@code action} throws a one-line {@link ConfigException} containing every fragment; returns it. */
    static ConfigException assertConfigError(Executable action, String... fragments) {
        ConfigException error = assertThrows(ConfigException.class, action);
        String message = error.getMessage();
        assertTrue(message.lines().count() == 1, () -> "message spans lines: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "message lacks '" + fragment + "': " + message);
        }
        return error;
    }
}
