package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompressionBackoffTest {
    /** How many records are stored uncompressed without an attempt before the next attempt. */
    private static int skippedBeforeNextAttempt(CompressionBackoff backoff) {
        int skipped = 0;
        while (!backoff.shouldTry()) {
            skipped++;
        }
        return skipped;
    }

    @Test
    void everyRecordIsTriedWhileRecordsCompress() {
        CompressionBackoff backoff = new CompressionBackoff();
        for (int i = 0; i < 100; i++) {
            assertTrue(backoff.shouldTry());
            backoff.record(true);
        }
    }

    @Test
    void failuresSkipTwiceAsManyEachTimeUpToTheBoundAndOneSuccessEndsIt() {
        CompressionBackoff backoff = new CompressionBackoff();
        assertTrue(backoff.shouldTry());
        backoff.record(false);
        assertEquals(1, skippedBeforeNextAttempt(backoff));
        backoff.record(false);
        assertEquals(2, skippedBeforeNextAttempt(backoff));
        backoff.record(false);
        assertEquals(4, skippedBeforeNextAttempt(backoff));
        for (int i = 0; i < 10; i++) {
            backoff.record(false);
            skippedBeforeNextAttempt(backoff);
        }
        backoff.record(false);
        assertEquals(CompressionBackoff.SKIP_MAX, skippedBeforeNextAttempt(backoff));

        backoff.record(true);
        assertEquals(0, skippedBeforeNextAttempt(backoff), "compressible data again: every record is tried");
        backoff.record(false);
        assertEquals(1, skippedBeforeNextAttempt(backoff), "and the back-off starts over");
    }
}
