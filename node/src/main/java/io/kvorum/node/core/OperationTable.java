package io.kvorum.node.core;

import io.kvorum.common.NodeId;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.CoreMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations the coordinator side runs, by id: the id is the request id of every message an
 * operation sends and the id of its one timer, so a reply or timer is matched by one lookup, and
 * one that finds nothing (late, duplicated, or of a previous run) is ignored. Bounded by
 * {@code node.operations-max}. Not thread-safe: owned by the core.
 */
final class OperationTable {
    private final NodeId self;
    private final int operationsMax;
    private final CorePlumbing plumbing;
    private final CoreMetrics metrics;
    private final Map<Long, Operation> operations = new LinkedHashMap<>();

    OperationTable(NodeId self, int operationsMax, CorePlumbing plumbing, CoreMetrics metrics) {
        this.self = self;
        this.operationsMax = operationsMax;
        this.plumbing = plumbing;
        this.metrics = metrics;
    }

    int size() {
        return operations.size();
    }

    /** The running operation {@code id}, or null. */
    Operation get(long id) {
        return operations.get(id);
    }

    /** Why a new operation cannot start, when the table is full (counted as an overload). */
    Optional<Shortfall> full() {
        if (operations.size() < operationsMax) {
            return Optional.empty();
        }
        metrics.overloaded("operations");
        return Optional.of(new Shortfall(false, List.of(new Shortfall.Refusal(self, "coordinates " + operations.size()
                + " requests already, the most node.operations-max allows: overloaded")), Shortfall.Stored.NOTHING));
    }

    /** Runs {@code operation} under a fresh id, its timer set for {@code timerAtMillis}; returns the id. */
    long start(Operation operation, long timerAtMillis) {
        long id = plumbing.newId();
        operations.put(id, operation);
        plumbing.emit(new Effect.SetTimer(id, timerAtMillis));
        return id;
    }

    /** Operation {@code id} is over: forget it and cancel its timer. */
    void finish(long id) {
        if (operations.remove(id) != null) {
            plumbing.emit(new Effect.CancelTimer(id));
        }
    }
}
