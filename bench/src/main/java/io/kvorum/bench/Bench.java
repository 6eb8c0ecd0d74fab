package io.kvorum.bench;

import io.kvorum.bench.baseline.BaselineServer;
import io.kvorum.bench.client.ClientSettings;
import io.kvorum.bench.client.Endpoint;
import io.kvorum.bench.client.BenchClient;
import io.kvorum.client.KvorumException;
import io.kvorum.bench.report.BenchReport;
import io.kvorum.bench.report.RunResult;
import io.kvorum.bench.run.Phase;
import io.kvorum.bench.run.RunSettings;
import io.kvorum.bench.run.TargetRun;
import io.kvorum.bench.run.TargetState;
import io.kvorum.bench.workload.StandardWorkloads;
import io.kvorum.bench.workload.WorkloadSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One benchmark invocation: the baseline first (when asked), then Kvorum, each through its own client
 * with the same settings, and the report of both. Blocking.
 */
public final class Bench {

    private Bench() {
    }

    /** Runs {@code options}, printing progress to {@code out}; {@code seed} is the resolved seed. */
    public static BenchReport run(BenchOptions options, long seed, Consumer<String> out) {
        WorkloadSpec spec = StandardWorkloads.load(options.workload(), options.overrides());
        RunSettings settings = new RunSettings(options.threads(), options.targetOpsPerSecond(),
                options.durationSeconds(), options.warmupSeconds(), options.r(), options.w(), seed,
                options.contextMode(), options.check(), options.progressSeconds(), options.eventLoops());
        String started = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<RunResult> runs = new ArrayList<>();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
        try {
            if (options.baseline()) {
                runs.addAll(baseline(vertx, options, spec, settings, out));
            }
            if (!options.nodes().isEmpty()) {
                runs.addAll(target("kvorum", vertx, options.nodes(), options, spec, settings, out));
            }
        } finally {
            await(vertx.close());
        }
        return new BenchReport(title(options, spec), started, seed, settings(options, spec, seed), runs);
    }

    private static List<RunResult> baseline(Vertx clientVertx, BenchOptions options, WorkloadSpec spec,
                                            RunSettings settings, Consumer<String> out) {
        Vertx serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.baselineEventLoops()));
        try {
            BaselineServer server = await(BaselineServer.start(serverVertx, options.baselineEventLoops()));
            out.accept("[baseline] in-process hash-map HTTP server on 127.0.0.1:" + server.port());
            return target("baseline", clientVertx, List.of(new Endpoint("127.0.0.1", server.port())), options, spec,
                    settings, out);
        } finally {
            await(serverVertx.close());
        }
    }

    private static List<RunResult> target(String label, Vertx vertx, List<Endpoint> nodes, BenchOptions options,
                                          WorkloadSpec spec, RunSettings settings, Consumer<String> out) {
        // The baseline server speaks plain HTTP and checks no token.
        boolean kvorum = !label.equals("baseline");
        ClientSettings client = new ClientSettings(nodes, options.connections(), options.timeoutMillis(),
                kvorum ? options.token() : null, kvorum ? options.tlsCa() : null);
        try (BenchClient kv = open(client)) {
            TargetState state = new TargetState(label, vertx, kv, spec, settings, System::nanoTime);
            return TargetRun.run(state, options.phases(), options.checkR() != null ? options.checkR() : options.r(), out);
        }
    }

    /** The Kvorum client for {@code settings}; a cluster none of whose nodes answers is a bad {@code --nodes}. */
    private static BenchClient open(ClientSettings settings) {
        try {
            return new BenchClient(settings);
        } catch (KvorumException e) {
            throw new IllegalArgumentException("--nodes: " + e.getMessage(), e);
        }
    }

    private static String title(BenchOptions options, WorkloadSpec spec) {
        List<String> targets = new ArrayList<>();
        if (options.baseline()) {
            targets.add("the in-process baseline");
        }
        if (!options.nodes().isEmpty()) {
            targets.add("Kvorum at " + options.nodes().stream().map(Endpoint::toString).toList());
        }
        return "YCSB workload " + spec.name() + " against " + String.join(" and ", targets);
    }

    private static Map<String, String> settings(BenchOptions options, WorkloadSpec spec, long seed) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("workload", spec.name() + String.format(" (read %.2f, update %.2f, insert %.2f, "
                + "read-modify-write %.2f, %s)", spec.readProportion(), spec.updateProportion(),
                spec.insertProportion(), spec.readModifyWriteProportion(),
                spec.requestDistribution().name().toLowerCase()));
        settings.put("records", String.format("%,d loaded, %d fields x %d chars (~%,d bytes of JSON)",
                spec.recordCount(), spec.fieldCount(), spec.fieldLength(), spec.recordBytes()));
        settings.put("run length", options.durationSeconds() > 0 ? options.durationSeconds() + " s"
                : String.format("%,d operations", spec.operationCount()));
        settings.put("warm-up", options.warmupSeconds() > 0 && options.phases().contains(Phase.RUN)
                ? options.warmupSeconds() + " s before the run phase, not counted" : "none");
        settings.put("threads / connections", options.threads() + " / " + options.connections());
        settings.put("target", options.targetOpsPerSecond() > 0
                ? String.format("%,.0f ops/s (latency from intended start)", options.targetOpsPerSecond())
                : "none (flat out)");
        settings.put("r / w", (options.r() == null ? "node default" : options.r()) + " / "
                + (options.w() == null ? "node default" : options.w()));
        settings.put("update context", options.contextMode().name().toLowerCase());
        settings.put("correctness check", options.check() ? "on" : "off");
        settings.put("seed", Long.toString(seed));
        settings.put("machine", Runtime.getRuntime().availableProcessors() + " cores, load average "
                + String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + " at start, Java " + Runtime.version());
        if (!spec.ignoredProperties().isEmpty()) {
            settings.put("ignored properties", String.join(", ", spec.ignoredProperties()));
        }
        return settings;
    }

    private static <T> T await(Future<T> future) {
        return future.toCompletionStage().toCompletableFuture().join();
    }
}
