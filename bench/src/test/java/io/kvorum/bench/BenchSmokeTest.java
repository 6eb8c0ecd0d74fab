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
