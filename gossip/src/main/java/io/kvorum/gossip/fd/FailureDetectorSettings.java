package io.kvorum.gossip.fd;

import io.kvorum.common.Invariants;

/**
 * Every knob of the phi-accrual failure detector, with its default and the trade-off it tunes.
 *
 * <p>Names follow the config keys ({@code failure-detector.*}); validation messages name the key.
 * The defaults are tuned for heartbeats observed through gossip (1 s interval, fanout 2), where a
 * member's heartbeat reaches a node after a relay of varying length: observed intervals average
 * 1.0-1.1 s with a deviation of 0.3-0.6 s (5-50 nodes; 1.2 s / 0.7 s with 5% loss and 50-250 ms delay).
 * In the gossip simulation ({@code GossipSimulationTest}) every peer then convicts a crashed node within
 * a median of 6-9 s (5-50 nodes), and in a simulated hour of 5% loss and 50-250 ms delay no live node
 * rose above phi 1.9.
 *
 * @param threshold phi at or above which a peer is suspected. Higher: fewer false suspicions, slower
 *        detection; each +1 makes a mistake 10x less likely under the model and adds about
 *        0.5 standard deviations of waiting (phi 8 is reached about 5.2 deviations past the mean). Pekko and Cassandra both default to 8.
 * @param maxSampleSize inter-arrival intervals kept per peer (the sliding window). Larger: steadier
 *        mean and deviation but slower to adapt when the network changes; memory is 8 bytes a sample.
 * @param minStdDeviationMillis floor on the standard deviation. Perfectly regular heartbeats give a
 *        deviation near zero, and then a few ms of lateness would send phi to infinity; the floor keeps
 *        phi meaningful. Larger: more tolerant of sudden jitter, slower detection.
 * @param acceptableHeartbeatPauseMillis silence tolerated on top of the mean before phi climbs: absorbs
 *        lost gossip rounds and pauses (GC) on the peer. It adds one-for-one to detection time. Pekko's
 *        cluster uses 3 s for direct heartbeats; 2 s suffices here because the measured deviation of
 *        gossip-observed intervals already covers relay jitter.
 * @param firstHeartbeatEstimateMillis the interval assumed for a peer heard from only once, before any
 *        interval is measured (Pekko seeds the history with it and a quarter of it as deviation). Set
 *        near the expected heartbeat interval; too small convicts new members early.
 * @param maxIntervalMillis cap on a recorded interval (Cassandra's {@code fd_max_interval_ms} guard): a
 *        gap after a partition or restart is an outage, not a sample of the heartbeat process, and
 *        recorded in full it would inflate mean and deviation for the next thousand samples, making
 *        the next failure slow to detect. Too small: genuinely slow peers look more regular than they are.
 * @param maxLocalPauseMillis Cassandra's local-pause guard ({@code max_local_pause_in_ms}): when this
 *        node's own ticks are further apart than this (a GC pause, a suspended VM), every peer's silence
 *        is our fault, so nobody is convicted for this long after the pause is noticed. Smaller: more
 *        pauses are recognised, but convictions are also held back more often.
 */
public record FailureDetectorSettings(
        double threshold,
        int maxSampleSize,
        long minStdDeviationMillis,
        long acceptableHeartbeatPauseMillis,
        long firstHeartbeatEstimateMillis,
        long maxIntervalMillis,
        long maxLocalPauseMillis) {

    /** Bounds the window so that a config typo cannot allocate gigabytes per peer. */
    public static final int MAX_SAMPLE_SIZE_LIMIT = 100_000;
    /** Keeps interval squares and their sums far from overflowing a {@code long}. */
    public static final long MAX_INTERVAL_LIMIT_MILLIS = 3_600_000L;

    public static final double DEFAULT_THRESHOLD = 8.0;
    public static final int DEFAULT_MAX_SAMPLE_SIZE = 1000;
    public static final long DEFAULT_MIN_STD_DEVIATION_MILLIS = 500;
    public static final long DEFAULT_ACCEPTABLE_HEARTBEAT_PAUSE_MILLIS = 2000;
    public static final long DEFAULT_FIRST_HEARTBEAT_ESTIMATE_MILLIS = 1000;
    public static final long DEFAULT_MAX_INTERVAL_MILLIS = 5000;
    public static final long DEFAULT_MAX_LOCAL_PAUSE_MILLIS = 5000;

    public FailureDetectorSettings {
        Invariants.require(threshold > 0 && Double.isFinite(threshold),
                "failure-detector.threshold must be > 0, got %s", threshold);
        Invariants.require(maxSampleSize > 0 && maxSampleSize <= MAX_SAMPLE_SIZE_LIMIT,
                "failure-detector.max-sample-size must be in 1..%d, got %d", MAX_SAMPLE_SIZE_LIMIT, maxSampleSize);
        Invariants.require(minStdDeviationMillis > 0,
                "failure-detector.min-std-deviation must be > 0 ms, got %d", minStdDeviationMillis);
        Invariants.require(acceptableHeartbeatPauseMillis >= 0,
                "failure-detector.acceptable-heartbeat-pause must be >= 0 ms, got %d", acceptableHeartbeatPauseMillis);
        Invariants.require(firstHeartbeatEstimateMillis > 0 && firstHeartbeatEstimateMillis <= MAX_INTERVAL_LIMIT_MILLIS,
                "failure-detector.first-heartbeat-estimate must be in 1..%d ms, got %d",
                MAX_INTERVAL_LIMIT_MILLIS, firstHeartbeatEstimateMillis);
        Invariants.require(maxIntervalMillis > 0 && maxIntervalMillis <= MAX_INTERVAL_LIMIT_MILLIS,
                "failure-detector.max-interval must be in 1..%d ms, got %d", MAX_INTERVAL_LIMIT_MILLIS, maxIntervalMillis);
        Invariants.require(maxLocalPauseMillis > 0,
                "failure-detector.max-local-pause must be > 0 ms, got %d", maxLocalPauseMillis);
    }

    /** The defaults listed above. */
    public static FailureDetectorSettings defaults() {
        return new FailureDetectorSettings(DEFAULT_THRESHOLD, DEFAULT_MAX_SAMPLE_SIZE, DEFAULT_MIN_STD_DEVIATION_MILLIS,
                DEFAULT_ACCEPTABLE_HEARTBEAT_PAUSE_MILLIS, DEFAULT_FIRST_HEARTBEAT_ESTIMATE_MILLIS,
                DEFAULT_MAX_INTERVAL_MILLIS, DEFAULT_MAX_LOCAL_PAUSE_MILLIS);
    }

    /** These settings with another threshold. */
    public FailureDetectorSettings withThreshold(double newThreshold) {
        return new FailureDetectorSettings(newThreshold, maxSampleSize, minStdDeviationMillis,
                acceptableHeartbeatPauseMillis, firstHeartbeatEstimateMillis, maxIntervalMillis, maxLocalPauseMillis);
    }
}
