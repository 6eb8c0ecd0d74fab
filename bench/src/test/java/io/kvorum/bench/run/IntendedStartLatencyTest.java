package io.kvorum.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.bench.FakeKvServer;
import io.kvorum.bench.client.ClientSettings;
import io.kvorum.bench.client.Endpoint;
import io.kvorum.bench.client.BenchClient;
import io.kvorum.bench.report.RunResult;
import io.kvorum.bench.workload.Operation;
import io.kvorum.bench.workload.StandardWorkloads;
import io.kvorum.bench.workload.WorkloadSpec;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A server that stalls its first request for 500 ms, driven at 200 ops/s by one worker: every
 * operation scheduled during the stall waits behind it, and its latency must include that wait
 * (coordinated omission would report one slow operation and a fast rest).
 */
class IntendedStartLatencyTest {

    @Test
    void latencyIncludesTheQueueingBehindAStall() {
        Properties properties = new Properties();
        properties.setProperty("recordcount", "10");
        properties.setProperty("operationcount", "200");
        properties.setProperty("requestdistribution", "uniform");
        WorkloadSpec spec = StandardWorkloads.load("c", properties);
        RunSettings settings = new RunSettings(1, 200, 0, 0, null, null, 1, ContextMode.CACHE, false, 0, 1);
        Vertx vertx = Vertx.vertx();
        try (FakeKvServer server = new FakeKvServer(500, Set.of());
             BenchClient client = new BenchClient(new ClientSettings(List.of(new Endpoint("127.0.0.1", server.port())), 1, 5000))) {
            TargetState state = new TargetState("fake", vertx, client, spec, settings, System::nanoTime);
            RunResult run = TargetRun.run(state, List.of(Phase.LOAD, Phase.RUN), null, line -> { }).get(1);
            var read = run.operations().stream().filter(o -> o.operation() == Operation.READ).findFirst().orElseThrow();
            assertEquals(200, read.latency().count() + read.errorCount());
            // ~100 operations were due during the 500 ms stall; each waited for it (0.5 s down to 0 s), so
            // about a quarter of all latencies exceed 250 ms. Measured from the actual send, only one would.
            assertTrue(read.latency().maxMicros() >= 450_000, "the stalled one: " + read.latency());
            long p75 = read.distribution().stream().filter(p -> p.percentile() >= 75).findFirst().orElseThrow().micros();
            assertTrue(p75 >= 150_000, "p75 includes the queueing delay: " + p75 + " us, " + read.latency());
            assertTrue(read.latency().p95Micros() >= 350_000, "p95 includes the queueing delay: " + read.latency());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
