package io.kvorum.bench.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scripted histories (times are plain numbers) judged by the checker. */
class ConsistencyCheckerTest {

    @Test
    void sequentialHistoryIsClean() {
        ConsistencyChecker checker = new ConsistencyChecker();
        write(checker, "k", "w1", 0, 10);
        checker.readCompleted("k", 20, List.of("w1"));
        write(checker, "k", "w2", 30, 40);
        checker.readCompleted("k", 50, List.of("w2"));
        CheckReport report = checker.report(Map.of("k", List.of("w2")));
        assertTrue(report.clean(), report.toString());
        assertEquals(2, report.readsChecked());
        assertEquals(2, report.acknowledgedWrites());
    }

    @Test
    void readMissingAnAcknowledgedWriteIsStale() {
        ConsistencyChecker checker = new ConsistencyChecker();
        write(checker, "k", "w1", 0, 10);
        write(checker, "k", "w2", 20, 30);
        checker.readCompleted("k", 40, List.of("w1"));
        checker.readCompleted("k", 41, List.of());
        CheckReport report = checker.report(Map.of("k", List.of("w2")));
        assertEquals(2, report.staleReads());
        assertEquals(0, report.lostWrites());
        assertFalse(report.clean());
        assertFalse(report.examples().isEmpty());
    }

    @Test
    void finalStateWithoutTheNewestAcknowledgedWriteIsALostWrite() {
        ConsistencyChecker checker = new ConsistencyChecker();
        write(checker, "k", "w1", 0, 10);
        write(checker, "k", "w2", 20, 30);
        write(checker, "other", "o1", 0, 5);
        Map<String, Collection<String>> finalReads = Map.of("k", List.of("w1"), "other", List.of("o1"));
        CheckReport report = checker.report(finalReads);
        assertEquals(1, report.lostWrites());
        assertEquals(2, report.keysChecked());
    }

    @Test
    void concurrentAndIndeterminateWritesAreNotBlamed() {
        ConsistencyChecker checker = new ConsistencyChecker();
        write(checker, "k", "w1", 0, 50);
        write(checker, "k", "w2", 10, 20);              // overlaps w1: either may be last
        checker.writeInvoked("k", "w3", 60);            // in flight while read
        checker.readCompleted("k", 70, List.of("w3"));
        checker.writeFailed("k", "w3");                 // 503: may have happened
        checker.readCompleted("k", 80, List.of("w2"));
        CheckReport report = checker.report(Map.of("k", List.of("w3")));
        assertTrue(report.clean(), report.toString());
        assertEquals(1, report.indeterminateWrites());
    }

    @Test
    void unreadableKeysAreReportedNotBlamed() {
        ConsistencyChecker checker = new ConsistencyChecker();
        write(checker, "k", "w1", 0, 10);
        CheckReport report = checker.report(Map.of());
        assertEquals(1, report.unreadableKeys());
        assertEquals(0, report.lostWrites());
    }

    private static void write(ConsistencyChecker checker, String key, String tag, long invoke, long ack) {
        checker.writeInvoked(key, tag, invoke);
        checker.writeAcknowledged(key, tag, ack);
    }
}
