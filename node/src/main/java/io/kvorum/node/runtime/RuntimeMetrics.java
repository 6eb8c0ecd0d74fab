package io.kvorum.node.runtime;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.kvorum.node.core.CoreMetrics;

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
