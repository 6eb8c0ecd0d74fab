package io.kvorum.gossip.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class HeartbeatHistoryTest {
    @Test
    void emptyHistoryHasZeroStatistics() {
        HeartbeatHistory empty = HeartbeatHistory.empty(10);
        assertTrue(empty.isEmpty());
        assertEquals(0.0, empty.meanMillis());
        assertEquals(0.0, empty.variance());
        assertEquals(List.of(), empty.intervals());
    }

    @Test
    void meanAndVarianceOfKnownSamples() {
        HeartbeatHistory history = HeartbeatHistory.empty(10).add(1000).add(2000).add(3000);
        assertEquals(2000.0, history.meanMillis(), 1e-9);
        assertEquals(666_666.666, history.variance(), 1e-2); // population variance
        assertEquals(6000, history.intervalSumMillis());
        assertEquals(14_000_000, history.squaredIntervalSum());
    }

    @Test
    void addReturnsANewHistoryAndLeavesTheOldOneUnchanged() {
        HeartbeatHistory one = HeartbeatHistory.empty(2).add(100);
        HeartbeatHistory two = one.add(200);
        HeartbeatHistory three = two.add(300);
        assertEquals(List.of(100L), one.intervals());
        assertEquals(List.of(100L, 200L), two.intervals());
        assertEquals(List.of(200L, 300L), three.intervals());
        assertEquals(List.of(100L, 200L), two.intervals(), "adding to a full window must not change the original");
        assertThrows(UnsupportedOperationException.class, () -> three.intervals().add(1L));
    }

    @Test
    void slidingWindowKeepsExactRunningSums() {
        long seed = 7L;
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        int window = 50;
        HeartbeatHistory history = HeartbeatHistory.empty(window);
        ArrayDeque<Long> model = new ArrayDeque<>();
        for (int i = 0; i < 1000; i++) {
            long interval = random.nextLong(0, 5000);
            history = history.add(interval);
            model.addLast(interval);
            if (model.size() > window) {
                model.removeFirst();
            }
            long sum = model.stream().mapToLong(Long::longValue).sum();
            long squares = model.stream().mapToLong(v -> v * v).sum();
            assertEquals(List.copyOf(model), history.intervals(), "seed " + seed + " step " + i);
            assertEquals(sum, history.intervalSumMillis(), "seed " + seed + " step " + i);
            assertEquals(squares, history.squaredIntervalSum(), "seed " + seed + " step " + i);
        }
    }

    @Test
    void rejectsOutOfRangeInput() {
        assertThrows(IllegalArgumentException.class, () -> HeartbeatHistory.empty(0));
        assertThrows(IllegalArgumentException.class, () -> HeartbeatHistory.empty(1).add(-1));
        assertThrows(IllegalArgumentException.class,
                () -> HeartbeatHistory.empty(1).add(FailureDetectorSettings.MAX_INTERVAL_LIMIT_MILLIS + 1));
    }
}
