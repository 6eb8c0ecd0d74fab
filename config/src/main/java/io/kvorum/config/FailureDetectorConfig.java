package io.kvorum.config;

import java.time.Duration;

/** The phi-accrual failure detector's knobs (see each {@code failure-detector.*} key for its trade-off). */
public record FailureDetectorConfig(double threshold, Duration acceptableHeartbeatPause, Duration minStdDeviation,
                                    int maxSampleSize, Duration firstHeartbeatEstimate, Duration maxInterval,
                                    Duration maxLocalPause) {
    public FailureDetectorConfig {
        ConfigKeys.FD_THRESHOLD.check(threshold);
        ConfigKeys.FD_ACCEPTABLE_HEARTBEAT_PAUSE.check(acceptableHeartbeatPause);
        ConfigKeys.FD_MIN_STD_DEVIATION.check(minStdDeviation);
        ConfigKeys.FD_MAX_SAMPLE_SIZE.check(maxSampleSize);
        ConfigKeys.FD_FIRST_HEARTBEAT_ESTIMATE.check(firstHeartbeatEstimate);
        ConfigKeys.FD_MAX_INTERVAL.check(maxInterval);
        ConfigKeys.FD_MAX_LOCAL_PAUSE.check(maxLocalPause);
    }
}
