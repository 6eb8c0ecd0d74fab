package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Key;
import io.kvorum.node.core.Input;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CoreFailures}: counts and logs (an input too long to log whole too), then halts with its status. */
class CoreFailuresTest {
    @Test
    void aCoreFailureIsCountedAndHaltsTheNode() {
        MetricRegistry registry = new MetricRegistry();
        List<Integer> halts = new ArrayList<>();
        CoreFailures failures = new CoreFailures(registry, halts::add);
        failures.coreFailed(new Input.ClientGet(1, Key.of("k".repeat(1_000)), 1, 10), new IllegalStateException("broken"));
        assertEquals(List.of(), halts, "counted and logged first");
        failures.stop();
        failures.overloaded();
        failures.overloaded();
        assertEquals(List.of(70), halts);
        assertEquals(1, registry.counter("node.core-failures").getCount());
        assertEquals(2, registry.counter("node.overloaded").getCount());
    }
}
