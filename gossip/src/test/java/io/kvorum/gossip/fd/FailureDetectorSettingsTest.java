package io.kvorum.gossip.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class FailureDetectorSettingsTest {
    private static final FailureDetectorSettings D = FailureDetectorSettings.defaults();

    @Test
    void defaultsMatchTheDocumentedValues() {
        assertEquals(8.0, D.threshold());
        assertEquals(1000, D.maxSampleSize());
        assertEquals(500, D.minStdDeviationMillis());
        assertEquals(2000, D.acceptableHeartbeatPauseMillis());
        assertEquals(1000, D.firstHeartbeatEstimateMillis());
        assertEquals(5000, D.maxIntervalMillis());
        assertEquals(5000, D.maxLocalPauseMillis());
        assertEquals(9.0, D.withThreshold(9).threshold());
    }

    @Test
    void everyInvalidKnobIsRejectedByName() {
        expect("failure-detector.threshold", () -> D.withThreshold(0));
        expect("failure-detector.threshold", () -> D.withThreshold(Double.NaN));
        expect("failure-detector.max-sample-size", () -> new FailureDetectorSettings(8, 0, 500, 3000, 1000, 5000, 5000));
        expect("failure-detector.min-std-deviation", () -> new FailureDetectorSettings(8, 10, 0, 3000, 1000, 5000, 5000));
        expect("failure-detector.acceptable-heartbeat-pause", () -> new FailureDetectorSettings(8, 10, 500, -1, 1000, 5000, 5000));
        expect("failure-detector.first-heartbeat-estimate", () -> new FailureDetectorSettings(8, 10, 500, 3000, 0, 5000, 5000));
        expect("failure-detector.max-interval", () -> new FailureDetectorSettings(8, 10, 500, 3000, 1000, 0, 5000));
        expect("failure-detector.max-local-pause", () -> new FailureDetectorSettings(8, 10, 500, 3000, 1000, 5000, 0));
    }

    private static void expect(String key, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().startsWith(key + " must be"), e.getMessage());
    }
}
