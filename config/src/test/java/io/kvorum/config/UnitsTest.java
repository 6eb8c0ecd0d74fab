package io.kvorum.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {
    @ParameterizedTest
    @CsvSource({
        "500ms, 500",
        "2s, 2000",
        "1m, 60000",
        "1h, 3600000",
        "250, 250",
        "0, 0",
        "' 3s ', 3000",
        "2 s, 2000",
        "PT2S, 2000",
        "PT0.5S, 500",
        "pt1m, 60000",
    })
    void parsesDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), Units.parseDuration(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "2sec", "1.5s", "-5s", "2S", "1d", "PTxS", "PT0.0005S", "s", "9999999999999h", "PT9999999999999999H"})
    void rejectsMalformedDurations(String text) {
        assertThrows(ValueProblem.class, () -> Units.parseDuration(text));
    }

    @ParameterizedTest
    @CsvSource({"0, 0s", "500, 500ms", "2000, 2s", "1500, 1500ms", "60000, 1m", "90000, 90s", "7200000, 2h"})
    void formatsDurationsInTheLargestExactUnit(long millis, String text) {
        assertEquals(text, Units.formatDuration(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), Units.parseDuration(text));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "1048576, 1048576",
        "1KiB, 1024",
        "1MiB, 1048576",
        "80MiB, 83886080",
        "2GiB, 2147483648",
        "1mib, 1048576",
        "' 4 KiB ', 4096",
        "512B, 512",
    })
    void parsesSizes(String text, long bytes) {
        assertEquals(bytes, Units.parseBytes(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "1MB", "1KB", "1k", "1.5MiB", "-1", "1 TiB", "999999999999GiB"})
    void rejectsMalformedSizes(String text) {
        assertThrows(ValueProblem.class, () -> Units.parseBytes(text));
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1000, 1000", "1024, 1KiB", "1536, 1536", "1572864, 1536KiB", "1048576, 1MiB", "1073741824, 1GiB"})
    void formatsSizesInTheLargestExactUnit(long bytes, String text) {
        assertEquals(text, Units.formatBytes(bytes));
        assertEquals(bytes, Units.parseBytes(text));
    }

    @ParameterizedTest
    @CsvSource({"true, true", "false, false", "' true', true"})
    void parsesBooleans(String text, boolean value) {
        assertEquals(value, ValueTypes.bool().parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "1", "TRUE", ""})
    void rejectsAnythingButTrueAndFalse(String text) {
        assertThrows(ValueProblem.class, () -> ValueTypes.bool().parse(text));
    }
}
