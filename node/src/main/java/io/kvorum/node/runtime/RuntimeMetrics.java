package io.kvorum.node.runtime;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.kvorum.node.core.CoreMetrics;
import io.kvorum.storage.engine.LogStats;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/** The core's counters in the node's Dropwizard registry (names as {@code /metrics} shows them). */
final class RuntimeMetrics implements CoreMetrics {
    private final Counter readQuorumFailures;
    private final Counter writeQuorumFailures;
    private final Counter readRepairs;
    private final Counter writesForwarded;
    private final Counter storageFailures;

    RuntimeMetrics(MetricRegistry registry) {
        readQuorumFailures = registry.counter("kv.quorum-failures.read");
        writeQuorumFailures = registry.counter("kv.quorum-failures.write");
        readRepairs = registry.counter("kv.read-repairs");
        writesForwarded = registry.counter("kv.writes-forwarded");
        storageFailures = registry.counter("storage.failures");
    }

    /** Gauges over the log engine's statistics (each reading takes a fresh, cheap snapshot). */
    static void registerStorage(MetricRegistry registry, Supplier<LogStats> stats) {
        gauge(registry, "storage.keys", stats, LogStats::keys);
        gauge(registry, "storage.keydir-heap-bytes", stats, LogStats::keydirHeapBytes);
        gauge(registry, "storage.segments", stats, LogStats::segments);
        gauge(registry, "storage.disk-bytes", stats, LogStats::diskBytes);
        gauge(registry, "storage.dead-bytes", stats, LogStats::deadBytes);
        gauge(registry, "storage.corrupt-records", stats, LogStats::corruptRecords);
        gauge(registry, "storage.compactions", stats, LogStats::compactions);
        gauge(registry, "storage.bytes-reclaimed", stats, LogStats::bytesReclaimed);
        gauge(registry, "storage.fsyncs", stats, LogStats::fsyncs);
        gauge(registry, "storage.cache.hits", stats, LogStats::cacheHits);
        gauge(registry, "storage.cache.misses", stats, LogStats::cacheMisses);
    }

    /** The {@code storage.keys} gauge alone, for an engine without log statistics (the memory engine). */
    static void registerKeys(MetricRegistry registry, LongSupplier keys) {
        registry.gauge("storage.keys", () -> keys::getAsLong);
    }

    private static void gauge(MetricRegistry registry, String name, Supplier<LogStats> stats, ToLongFunction<LogStats> field) {
        registry.gauge(name, () -> () -> field.applyAsLong(stats.get()));
    }

    @Override
    public void quorumFailed(boolean write) {
        (write ? writeQuorumFailures : readQuorumFailures).inc();
    }

    @Override
    public void readRepairsSent(int count) {
        readRepairs.inc(count);
    }

    @Override
    public void writeForwarded() {
        writesForwarded.inc();
    }

    @Override
    public void storageFailed() {
        storageFailures.inc();
    }
}
