package io.kvorum.bench.stats;

import io.kvorum.bench.workload.Operation;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Results of one operation type in one phase.
 *
 * @param operation    the type
 * @param latency      latency of the successful operations, from their intended start
 * @param errors       failed operations by kind (only kinds that occurred), in enum order
 * @param distribution the latency percentile distribution, for the plot
 */
public record OperationSummary(Operation operation, LatencySummary latency, Map<Outcome, Long> errors,
                               List<PercentilePoint> distribution) {

    /** Copies, keeping the enum order of {@code errors}. */
    public OperationSummary {
        errors = errors.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new EnumMap<>(errors));
        distribution = List.copyOf(distribution);
    }

    /** Failed operations of this type. */
    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
