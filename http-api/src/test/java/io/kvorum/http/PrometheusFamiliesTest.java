package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.NodeId;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dropwizard metrics whose derived Prometheus names collide never break the exposition. */
class PrometheusFamiliesTest {
    @Test
    void aMetricWhoseFamilyNameIsTakenByAnotherKindIsLeftOutInsteadOfFailingTheScrape() {
        MetricRegistry registry = new MetricRegistry();
        registry.counter("odd.thing").inc(3);
        registry.gauge("odd-thing", () -> () -> 7);
        registry.histogram("odd_thing").update(1);
        PrometheusFamilies families = new PrometheusFamilies(registry, () -> new MembersView(NodeId.of("node-1"), List.of()));

        MetricSnapshots snapshots = families.collect();

        List<MetricSnapshot> odd = snapshots.stream().filter(s -> s.getMetadata().getName().equals("kvorum_odd_thing")).toList();
        assertEquals(1, odd.size(), "one family of that name");
        CounterSnapshot counter = (CounterSnapshot) odd.get(0);
        assertEquals(3.0, counter.getDataPoints().get(0).getValue(), "the first metric (the counter) keeps the name");
    }
}
