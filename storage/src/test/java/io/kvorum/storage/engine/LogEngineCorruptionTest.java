package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails and flipped bits in real segment and hint files: detected, never served, and the rest survives. */
class LogEngineCorruptionTest {
    private static final int KEYS = 100;
    private static final LogSettings SETTINGS = LogSettings.defaults().withSegmentBytes(1 << 20);

    @TempDir
    Path dir;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<LogEngine> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(LogEngine::close);
    }

    private LogEngine open() {
        LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, SETTINGS, new LogEnvironment(scheduler, () -> 1_000));
        opened.add(engine);
        return engine;
    }

    private static Siblings state(int i) {
        DotIssuer issuer = new DotIssuer(new Actor(NodeId.of("node-a"), 0));
        return Siblings.EMPTY.write(issuer, CausalContext.EMPTY, Optional.of(Bytes.utf8("value-" + i)), 1_000, 50).state();
    }

    /** Writes KEYS keys into one segment and closes; returns the record offsets in order. */
    private List<Long> writeKeys() {
        LogEngine engine = open();
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < KEYS; i++) {
            offsets.add(offset);
            int n = i;
            engine.update(Key.of("k" + i), c -> state(n));
            offset = engine.stats().diskBytes();
        }
        engine.close();
        opened.clear();
        return offsets;
    }

    /**
     * Regression (review of issue 3): after a corrupt record, the scan for the next valid record
     * missed a record shorter than 27 bytes at the very end of the file and took it for a torn tail;
     * when that record was a removal marker, the deleted key came back.
     */
    @Test
    void aDeleteMarkerAfterACorruptRecordIsNotMistakenForATornTail() throws IOException {
        LogEngine engine = open();
        engine.update(Key.of("a"), c -> state(1));
        long corruptAt = engine.stats().diskBytes() + 30;
        engine.update(Key.of("bb"), c -> state(2));
        engine.update(Key.of("a"), c -> Siblings.EMPTY);
        engine.close();
        opened.clear();
        flipBit(onlySegment(), corruptAt);

        LogEngine reopened = open();
        assertEquals(Siblings.EMPTY, reopened.get(Key.of("a")), "the deleted key came back");
        assertEquals(1, reopened.stats().corruptRecords());
    }

    private Path onlySegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(p -> p.toString().endsWith(Segment.LOG_SUFFIX) && p.toFile().length() > 0).toList();
            assertEquals(1, logs.size(), "segments " + logs);
            return logs.get(0);
        }
    }

    @Test
    void aTornTailIsTruncatedAndEverythingBeforeItSurvives() throws IOException {
        writeKeys();
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(size - 5); // the last record half written
        }

        LogEngine engine = open();

        assertEquals(KEYS - 1, engine.size());
        assertEquals(Siblings.EMPTY, engine.get(Key.of("k" + (KEYS - 1))));
        assertEquals(state(KEYS - 2), engine.get(Key.of("k" + (KEYS - 2))));
        assertTrue(Files.size(segment) < size - 5, "truncated to the last whole record");
        assertEquals(0, engine.stats().corruptRecords(), "a torn tail is not corruption");
        engine.update(Key.of("after"), c -> state(0));
    }

    @Test
    void garbageAfterTheLastRecordIsATornTail() throws IOException {
        writeKeys();
        Path segment = onlySegment();
        Files.write(segment, new byte[] {0x4B, 0x56, 1, 2, 3, 0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);

        LogEngine engine = open();

        assertEquals(KEYS, engine.size());
        assertEquals(0, engine.stats().corruptRecords());
    }

    @Test
    void aFlippedBitInTheMiddleIsSkippedCountedAndNeverServed() throws IOException {
        List<Long> offsets = writeKeys();
        Path segment = onlySegment();
        flipBit(segment, offsets.get(50) + RecordFormat.HEADER_BYTES + 4); // inside k50's key or payload

        LogEngine engine = open();

        assertEquals(1, engine.stats().corruptRecords());
        assertEquals(Siblings.EMPTY, engine.get(Key.of("k50")));
        assertEquals(KEYS - 1, engine.size());
        for (int i = 0; i < KEYS; i++) {
            if (i != 50) {
                assertEquals(state(i), engine.get(Key.of("k" + i)), "k" + i);
            }
        }
    }

    @Test
    void aFlippedLengthFieldIsCaughtAndTheScanFindsTheNextRecord() throws IOException {
        List<Long> offsets = writeKeys();
        Path segment = onlySegment();
        flipBit(segment, offsets.get(30) + 11); // payload length

        LogEngine engine = open();

        assertEquals(1, engine.stats().corruptRecords());
        assertEquals(KEYS - 1, engine.size());
        assertEquals(state(31), engine.get(Key.of("k31")));
    }

    @Test
    void aFlippedBitInASealedSegmentIsCaughtOnRead() throws IOException {
        List<Long> offsets = writeKeys();
        open().close(); // recovery writes the hint file: from now on the segment is read through it
        opened.clear();
        flipBit(onlySegment(), offsets.get(70) + RecordFormat.HEADER_BYTES + 6);

        LogEngine engine = open();
        assertEquals(KEYS, engine.size(), "the hint file does not read values");

        assertEquals(Siblings.EMPTY, engine.get(Key.of("k70")));
        assertEquals(1, engine.stats().corruptRecords());
        assertEquals(KEYS - 1, engine.size());
        assertEquals(state(71), engine.get(Key.of("k71")));
    }

    @Test
    void aCorruptHintFileFallsBackToAScan() throws IOException {
        writeKeys();
        open().close();
        opened.clear();
        Path hint;
        try (Stream<Path> files = Files.list(dir)) {
            hint = files.filter(p -> p.toString().endsWith(Segment.HINT_SUFFIX) && p.toFile().length() > 12).findFirst().orElseThrow();
        }
        flipBit(hint, 20);

        LogEngine engine = open();

        assertEquals(KEYS, engine.size());
        assertEquals(state(3), engine.get(Key.of("k3")));
    }

    private static void flipBit(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        }
    }
}
