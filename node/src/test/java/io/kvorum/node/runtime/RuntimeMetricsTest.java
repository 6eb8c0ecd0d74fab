package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.Key;
import org.junit.jupiter.api.Test;

/** A client's key never forges or floods a log line. */
class RuntimeMetricsTest {
    @Test
    void controlCharactersInAKeyAreEscaped() {
        assertEquals("a\\u000aFAKE ERROR line", RuntimeMetrics.printable(Key.of("a\nFAKE ERROR line")));
        assertEquals("plain:key", RuntimeMetrics.printable(Key.of("plain:key")));
    }

    @Test
    void aLongKeyIsCutAt200Characters() {
        String printed = RuntimeMetrics.printable(Key.of("k".repeat(1000)));
        assertEquals("k".repeat(200) + "…", printed);
    }
}
