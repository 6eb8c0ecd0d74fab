package io.kvorum.config;

import java.time.Duration;
import java.util.List;

/**
 * Hinted handoff (Dynamo §4.6): whether stand-ins keep hints, how many per owner, and how fast and
 * how persistently they hand them back ({@code handoff.*}).
 *
 * @param enabled whether stand-ins store hints and hand them back
 * @param maxHintsPerOwner most hints held for one owner; further ones are refused
 * @param hintsPerSecond most hints per second handed back, summed over owners
 * @param batchSize hints per handoff message
 * @param retryMin first back-off after a failed delivery to an owner
 * @param retryMax longest back-off between failed deliveries to one owner
 */
public record HandoffConfig(boolean enabled, int maxHintsPerOwner, int hintsPerSecond, int batchSize,
                            Duration retryMin, Duration retryMax) {
    public HandoffConfig {
        ConfigKeys.HANDOFF_MAX_HINTS_PER_OWNER.check(maxHintsPerOwner);
        ConfigKeys.HANDOFF_RATE.check(hintsPerSecond);
        ConfigKeys.HANDOFF_BATCH_SIZE.check(batchSize);
        ConfigKeys.HANDOFF_RETRY_MIN.check(retryMin);
        ConfigKeys.HANDOFF_RETRY_MAX.check(retryMax);
        requireRetryMaxAtLeastMin(retryMin, retryMax);
    }

    /** {@link #retryMin()} in milliseconds, the unit the core works in. */
    public long retryMinMillis() {
        return retryMin.toMillis();
    }

    /** {@link #retryMax()} in milliseconds, the unit the core works in. */
    public long retryMaxMillis() {
        return retryMax.toMillis();
    }

    /** The back-off doubles from the minimum up to the maximum; a maximum below the minimum has no meaning. */
    private static void requireRetryMaxAtLeastMin(Duration retryMin, Duration retryMax) {
        if (retryMax.compareTo(retryMin) < 0) {
            String maxKey = ConfigKeys.HANDOFF_RETRY_MAX.name();
            String minKey = ConfigKeys.HANDOFF_RETRY_MIN.name();
            throw new ConfigException(List.of(maxKey, minKey), maxKey + ": " + Units.formatDuration(retryMax)
                    + " is below " + minKey + " " + Units.formatDuration(retryMin) + " (must be at least " + minKey + ")");
        }
    }
}
