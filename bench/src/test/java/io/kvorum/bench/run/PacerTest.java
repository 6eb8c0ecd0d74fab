package io.kvorum.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The schedule of intended start times. */
class PacerTest {

    @Test
    void pacedWorkersShareTheRateAndStagger() {
        // 4 workers at 1000 ops/s: each every 4 ms, worker 1 offset by 1 ms.
        Pacer pacer = Pacer.of(1_000_000_000L, 1, 4, 1000);
        assertEquals(1_001_000_000L, pacer.nextIntendedNanos(0));
        assertEquals(1_005_000_000L, pacer.nextIntendedNanos(0));
        // Late: the intended time does not move with the clock.
        assertEquals(1_009_000_000L, pacer.nextIntendedNanos(5_000_000_000L));
    }

    @Test
    void unpacedStartsNow() {
        Pacer pacer = Pacer.of(0, 0, 1, 0);
        assertFalse(pacer.paced());
        assertEquals(1234, pacer.nextIntendedNanos(1234));
    }
}
