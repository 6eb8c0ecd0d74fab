package io.kvorum.gossip.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** Scripted-clock tests (Pekko's style): the test owns time and feeds it to every call. */
class PhiAccrualFailureDetectorTest {
    private static final NodeId PEER = NodeId.of("peer");
    private static final FailureDetectorSettings DEFAULTS = FailureDetectorSettings.defaults();

    /** Feeds heartbeats at {@code start}, then after each interval; returns the time of the last one. */
    private static long beat(PhiAccrualFailureDetector fd, long start, List<Long> intervals) {
        long now = start;
        fd.heartbeat(PEER, now);
        for (long interval : intervals) {
            now += interval;
            fd.heartbeat(PEER, now);
        }
        return now;
    }

    private static List<Long> regular(int count, long intervalMillis) {
        return java.util.Collections.nCopies(count, intervalMillis);
    }

    /** The first silence (in 10 ms steps after {@code lastMillis}) at which phi reaches the threshold. */
    private static long detectionDelay(PhiAccrualFailureDetector fd, long lastMillis) {
        long delay = 0;
        while (fd.isAvailable(PEER, lastMillis + delay)) {
            delay += 10;
        }
        return delay;
    }

    @Test
    void unmonitoredPeerHasNoPhiAndIsNeverConvicted() {
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        assertTrue(fd.phi(PEER, 1_000_000).isEmpty());
        assertTrue(fd.isAvailable(PEER, 1_000_000));
        assertFalse(fd.shouldConvict(PEER, 1_000_000));
        assertFalse(fd.isMonitoring(PEER));
    }

    @Test
    void firstHeartbeatUsesTheEstimate() {
        // No acceptable pause and a tiny floor: the estimate alone drives phi (mean 1000, deviation 250).
        FailureDetectorSettings settings = new FailureDetectorSettings(8, 1000, 1, 0, 1000, 5000, 5000);
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(settings);
        fd.heartbeat(PEER, 5000);
        assertEquals(0.30, fd.phi(PEER, 6000).getAsDouble(), 0.01, "at the estimated mean phi is -log10(0.5)");
        assertTrue(fd.phi(PEER, 5000).getAsDouble() < 0.01);
        assertTrue(fd.phi(PEER, 7500).getAsDouble() > 8, "six deviations late is a conviction");
    }

    @Test
    void regularHeartbeatsKeepPhiLow() {
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        long last = beat(fd, 0, regular(100, 1000));
        assertTrue(fd.phi(PEER, last).getAsDouble() < 0.01);
        assertTrue(fd.phi(PEER, last + 1000).getAsDouble() < 0.1);
        assertTrue(fd.phi(PEER, last + 2000).getAsDouble() < 1, "within the acceptable pause phi stays low");
        assertEquals(1000.0, fd.history(PEER).orElseThrow().meanMillis(), 1e-9);
    }

    @Test
    void silenceRaisesPhiPastTheThresholdAfterTheExpectedTime() {
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        long last = beat(fd, 0, regular(100, 1000));
        // mean 1000 + pause 2000 + about 5.2 x the 500 ms floor = about 5.6 s.
        long delay = detectionDelay(fd, last);
        assertTrue(delay >= 5500 && delay <= 5700, "detected after " + delay + " ms");
        double previous = 0;
        for (long t = last; t < last + 10_000; t += 250) {
            double phi = fd.phi(PEER, t).getAsDouble();
            assertTrue(phi >= previous, "phi must grow with silence");
            previous = phi;
        }
        fd.tick(last + 8000);
        assertTrue(fd.shouldConvict(PEER, last + 8000));
    }

    @Test
    void jitteryHeartbeatsAreToleratedButDetectedLater() {
        long seed = 42L;
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        long now = 0;
        fd.heartbeat(PEER, now);
        for (int i = 0; i < 2000; i++) {
            long interval = random.nextLong(0, 2500); // uniform: mean 1250, deviation about 720
            assertTrue(fd.isAvailable(PEER, now + interval), "seed " + seed + ": false suspicion at beat " + i);
            now += interval;
            fd.heartbeat(PEER, now);
        }
        PhiAccrualFailureDetector steady = new PhiAccrualFailureDetector(DEFAULTS);
        long steadyLast = beat(steady, 0, regular(2000, 1250));
        long jitteryDelay = detectionDelay(fd, now);
        long steadyDelay = detectionDelay(steady, steadyLast);
        assertTrue(jitteryDelay > steadyDelay + 500,
                "seed " + seed + ": jittery " + jitteryDelay + " ms vs steady " + steadyDelay + " ms");
    }

    @Test
    void longAbsenceIsCappedSoItDoesNotPoisonTheHistory() {
        PhiAccrualFailureDetector capped = new PhiAccrualFailureDetector(DEFAULTS);
        FailureDetectorSettings uncappedSettings = new FailureDetectorSettings(8, 1000, 500, 2000, 1000,
                FailureDetectorSettings.MAX_INTERVAL_LIMIT_MILLIS, 5000);
        PhiAccrualFailureDetector uncapped = new PhiAccrualFailureDetector(uncappedSettings);
        List<Long> script = new java.util.ArrayList<>(regular(100, 1000));
        script.add(120_000L); // a two-minute partition
        script.addAll(regular(20, 1000));
        long last = beat(capped, 0, script);
        beat(uncapped, 0, script);
        assertEquals(5000L, capped.history(PEER).orElseThrow().intervals().stream().mapToLong(Long::longValue).max().orElseThrow());
        long cappedDelay = detectionDelay(capped, last);
        long uncappedDelay = detectionDelay(uncapped, last);
        assertTrue(cappedDelay < 6500, "capped detection took " + cappedDelay + " ms");
        assertTrue(uncappedDelay > 4 * cappedDelay, "uncapped " + uncappedDelay + " ms vs capped " + cappedDelay + " ms");
    }

    @Test
    void noConvictionsRightAfterALongLocalPause() {
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        long now = 0;
        fd.heartbeat(PEER, now);
        for (int i = 0; i < 60; i++) {
            now += 1000;
            fd.tick(now);
            fd.heartbeat(PEER, now);
        }
        // This node stalls for 20 s (GC): no ticks, no heartbeats processed.
        long resumed = now + 20_000;
        fd.tick(resumed);
        assertFalse(fd.isAvailable(PEER, resumed), "phi is past the threshold after 20 s of silence");
        assertFalse(fd.shouldConvict(PEER, resumed), "but the silence is our own pause");
        assertTrue(fd.isHoldingConvictions(resumed + DEFAULTS.maxLocalPauseMillis() - 1));
        fd.tick(resumed + 1000);
        assertFalse(fd.shouldConvict(PEER, resumed + DEFAULTS.maxLocalPauseMillis() - 1));
        fd.tick(resumed + DEFAULTS.maxLocalPauseMillis());
        assertTrue(fd.shouldConvict(PEER, resumed + DEFAULTS.maxLocalPauseMillis()),
                "the guard expires; a peer still silent is convicted");
    }

    @Test
    void regularTicksNeverHoldConvictions() {
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        fd.heartbeat(PEER, 0);
        for (long t = 1000; t <= 30_000; t += 1000) {
            fd.tick(t);
            assertFalse(fd.isHoldingConvictions(t));
        }
        assertTrue(fd.shouldConvict(PEER, 30_000));
    }

    @Test
    void removeForgetsThePeerAndReorderedArrivalsDoNotGoBackwards() {
        PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS);
        beat(fd, 0, regular(10, 1000));
        fd.heartbeat(PEER, 9500); // earlier than the last one (10000): interval 0, time kept
        assertEquals(0L, fd.history(PEER).orElseThrow().intervals().getLast());
        assertTrue(fd.phi(PEER, 10_000).getAsDouble() < 0.01);
        fd.remove(PEER);
        assertFalse(fd.isMonitoring(PEER));
        assertTrue(fd.phi(PEER, 20_000).isEmpty());
    }

    @Test
    void thresholdTradesDetectionTimeForSafety() {
        long previous = 0;
        for (double threshold : new double[] {1, 4, 8, 12, 16}) {
            PhiAccrualFailureDetector fd = new PhiAccrualFailureDetector(DEFAULTS.withThreshold(threshold));
            long last = beat(fd, 0, regular(50, 1000));
            long delay = detectionDelay(fd, last);
            assertTrue(delay > previous, "threshold " + threshold + " detected after " + delay + " ms");
            previous = delay;
        }
    }
}
