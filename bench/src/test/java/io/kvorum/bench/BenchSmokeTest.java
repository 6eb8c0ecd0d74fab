package io.kvorum.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.bench.check.CheckReport;
import io.kvorum.bench.report.BenchReport;
import io.kvorum.bench.report.HtmlReport;
import io.kvorum.bench.report.RunResult;
import io.kvorum.bench.report.TextReport;
import io.kvorum.bench.run.Phase;
import io.kvorum.bench.stats.Outcome;
import io.kvorum.bench.workload.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** End to end: tiny runs of the whole harness against the baseline server and a store that loses writes. */
class BenchSmokeTest {

    @Test
    void tinyRunAgainstTheBaselineIsCorrectAndReported() {
        BenchOptions options = BenchOptions.parse(List.of("--baseline", "--workload", "f", "-p", "recordcount=100",
                "-p", "operationcount=400", "--threads", "4", "--connections", "4", "--check", "--progress", "0",
                "--event-loops", "1", "--baseline-event-loops", "1"));
        List<String> lines = new ArrayList<>();
        BenchReport report = Bench.run(options, 99, lines::add);
        assertEquals(2, report.runs().size());
        RunResult load = report.runs().get(0);
        RunResult run = report.runs().get(1);
        assertEquals(Phase.LOAD, load.phase());
        assertEquals(100, load.successes());
        assertEquals(400, run.successes() + run.errors());
        assertEquals(0, run.errors());
        assertEquals(Set.of(Operation.READ, Operation.READ_MODIFY_WRITE),
                Set.copyOf(run.operations().stream().map(o -> o.operation()).toList()));
        CheckReport check = run.check();
        assertTrue(check.clean(), check.toString());
        assertEquals(100, check.keysChecked());
        assertTrue(check.readsChecked() > 300, "reads and the reads of read-modify-writes: " + check);
        assertTrue(TextReport.render(report).contains("READ_MODIFY_WRITE"));
        assertTrue(HtmlReport.render(report).contains("baseline run"));
    }

    @Test
    void warmupOperationsAreRealButNotCounted() {
        BenchOptions options = BenchOptions.parse(List.of("--baseline", "--workload", "a", "-p", "recordcount=20",
                "-p", "operationcount=200", "--warmup", "0.4", "--target", "1000", "--threads", "2", "--connections",
                "2", "--check", "--progress", "0", "--event-loops", "1", "--baseline-event-loops", "1"));
        BenchReport report = Bench.run(options, 11, line -> { });
        RunResult load = report.runs().get(0);
        RunResult run = report.runs().get(1);
        assertEquals(0, load.warmupSeconds());
        assertEquals(0.4, run.warmupSeconds());
        assertEquals(200, run.successes() + run.errors(), "operationcount counts only what follows the warm-up");
        assertEquals(200, run.operations().stream().mapToLong(o -> o.latency().count() + o.errorCount()).sum());
        long countedWrites = run.operations().stream().filter(o -> o.operation() == Operation.UPDATE)
                .mapToLong(o -> o.latency().count()).sum();
        CheckReport check = run.check();
        assertTrue(check.clean(), "warm-up writes are known to the final read-back: " + check);
        // ~400 operations at 1000 ops/s in the warm-up, half of them updates, all recorded by the checker.
        assertTrue(check.acknowledgedWrites() > 20 + countedWrites + 100,
                "the load's 20, the counted " + countedWrites + " and the warm-up's: " + check);
        assertEquals("0.4 s before the run phase, not counted", report.settings().get("warm-up"));
    }

    @Test
    void aTimedRunAfterAWarmupTimesOnlyItself() {
        BenchOptions options = BenchOptions.parse(List.of("--baseline", "--workload", "c", "-p", "recordcount=20",
                "--duration", "0.5", "--warmup", "1.5", "--target", "400", "--threads", "2", "--connections", "2",
                "--progress", "1", "--event-loops", "1", "--baseline-event-loops", "1"));
        List<String> lines = new ArrayList<>();
        RunResult run = Bench.run(options, 12, lines::add).runs().get(1);
        assertTrue(run.elapsedSeconds() >= 0.5 && run.elapsedSeconds() < 1.2, "the 0.5 s after the warm-up: " + run);
        // 0.5 s at 400 ops/s; the warm-up did 600 more.
        assertTrue(run.successes() > 0 && run.successes() <= 0.5 * 400 + 2, "counted: " + run.successes());
        assertTrue(run.timeline().stream().allMatch(point -> point.elapsedSeconds() < 1.2), run.timeline().toString());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("[baseline run warm-up of 1.5 s, not counted]")),
                String.join("\n", lines));
    }

    @Test
    void readsOfMissingRecordsAreCountedAsNotFoundNotTimed() {
        try (FakeKvServer server = new FakeKvServer(0, Set.of())) {
            BenchOptions options = BenchOptions.parse(List.of("--nodes", "127.0.0.1:" + server.port(), "--workload",
                    "c", "--phase", "run", "-p", "recordcount=10", "-p", "operationcount=50", "--threads", "1",
                    "--connections", "1", "--progress", "0", "--event-loops", "1"));
            RunResult run = Bench.run(options, 3, line -> { }).runs().get(0);
            assertEquals(0, run.successes());
            assertEquals(50, run.errors());
            var read = run.operations().get(0);
            assertEquals(Map.of(Outcome.NOT_FOUND, 50L), read.errors());
            assertEquals(0, read.latency().count(), "a 404 is not a latency sample: " + read.latency());
        }
    }

    @Test
    void aStoreThatLosesAWriteIsCaught() {
        // user + FNV(3) under YCSB naming; every write after the first to it is acknowledged and dropped.
        String victim = io.kvorum.bench.workload.KeyNames.keyName(3, false, 1);
        try (FakeKvServer server = new FakeKvServer(0, Set.of(victim))) {
            BenchOptions options = BenchOptions.parse(List.of("--nodes", "127.0.0.1:" + server.port(), "--workload",
                    "a", "-p", "recordcount=5", "-p", "operationcount=300", "-p", "requestdistribution=uniform",
                    "--threads", "2", "--connections", "2", "--check", "--progress", "0", "--event-loops", "1"));
            BenchReport report = Bench.run(options, 7, line -> { });
            CheckReport check = report.runs().get(1).check();
            assertTrue(check.lostWrites() > 0, check.toString());
            assertTrue(check.staleReads() > 0, check.toString());
            assertTrue(check.examples().stream().anyMatch(example -> example.contains(victim)), check.toString());
        }
    }
}
