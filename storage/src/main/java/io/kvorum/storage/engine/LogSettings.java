package io.kvorum.storage.engine;

import io.kvorum.common.Invariants;
import io.kvorum.config.StorageConfig;
import io.kvorum.config.StorageConfig.SyncPolicy;

/**
 * The tuning of one log (engine or hint store); see the {@code storage.*} keys for what each means.
 *
 * @param sync when appends are forced to disk
 * @param syncIntervalMillis the fsync period under {@link SyncPolicy#INTERVAL}
 * @param syncWindowMillis under {@link SyncPolicy#ALWAYS}, how long the first writer to wait for an fsync waits for others
 * @param segmentBytes the size at which the active segment is sealed
 * @param cacheBytes bytes of encoded states the engine's cache holds (0: none)
 * @param compressionThresholdBytes payloads at least this big are LZ4-compressed
 * @param compactionBytesPerSecond most bytes per second compaction reads
 * @param compactionTriggerPercent dead share of a sealed segment that makes it due
 * @param tombstoneGraceMillis how long tombstone-only states are kept
 */
public record LogSettings(SyncPolicy sync, long syncIntervalMillis, long syncWindowMillis, int segmentBytes, int cacheBytes,
                          int compressionThresholdBytes, long compactionBytesPerSecond, int compactionTriggerPercent,
                          long tombstoneGraceMillis) {
    public LogSettings {
        Invariants.require(sync != null, "sync policy must be set");
        Invariants.require(syncIntervalMillis >= 1, "syncIntervalMillis must be >= 1, got %d", syncIntervalMillis);
        Invariants.require(syncWindowMillis >= 0, "syncWindowMillis must be >= 0, got %d", syncWindowMillis);
        Invariants.require(segmentBytes >= 1024, "segmentBytes must be >= 1024, got %d", segmentBytes);
        Invariants.require(cacheBytes >= 0, "cacheBytes must be >= 0, got %d", cacheBytes);
        Invariants.require(compressionThresholdBytes >= 1, "compressionThresholdBytes must be >= 1");
        Invariants.require(compactionBytesPerSecond >= 1, "compactionBytesPerSecond must be >= 1");
        Invariants.require(compactionTriggerPercent >= 1 && compactionTriggerPercent <= 100, "compactionTriggerPercent must be 1..100");
        Invariants.require(tombstoneGraceMillis >= 0, "tombstoneGraceMillis must be >= 0");
    }

    /** The settings the {@code storage.*} keys describe, the cache sized for this JVM's maximum heap. */
    public static LogSettings from(StorageConfig config) {
        return from(config, Runtime.getRuntime().maxMemory());
    }

    /** The settings the {@code storage.*} keys describe on a node whose maximum heap is {@code maxHeapBytes}. */
    public static LogSettings from(StorageConfig config, long maxHeapBytes) {
        return new LogSettings(config.sync(), config.syncInterval().toMillis(), config.syncWindow().toMillis(), config.segmentBytes(),
                config.cacheSize().bytesFor(maxHeapBytes),
                config.compressionThresholdBytes(), config.compactionBytesPerSecond(), config.compactionTriggerPercent(),
                config.tombstoneGrace().toMillis());
    }

    /** The defaults of the {@code storage.*} keys. */
    public static LogSettings defaults() {
        return from(new StorageConfig(StorageConfig.Engine.LOG));
    }

    public LogSettings withSync(SyncPolicy value) {
        return new LogSettings(value, syncIntervalMillis, syncWindowMillis, segmentBytes, cacheBytes, compressionThresholdBytes,
                compactionBytesPerSecond, compactionTriggerPercent, tombstoneGraceMillis);
    }

    public LogSettings withSegmentBytes(int value) {
        return new LogSettings(sync, syncIntervalMillis, syncWindowMillis, value, cacheBytes, compressionThresholdBytes,
                compactionBytesPerSecond, compactionTriggerPercent, tombstoneGraceMillis);
    }

    public LogSettings withCacheBytes(int value) {
        return new LogSettings(sync, syncIntervalMillis, syncWindowMillis, segmentBytes, value, compressionThresholdBytes,
                compactionBytesPerSecond, compactionTriggerPercent, tombstoneGraceMillis);
    }

    public LogSettings withCompressionThresholdBytes(int value) {
        return new LogSettings(sync, syncIntervalMillis, syncWindowMillis, segmentBytes, cacheBytes, value,
                compactionBytesPerSecond, compactionTriggerPercent, tombstoneGraceMillis);
    }

    public LogSettings withCompaction(long bytesPerSecond, int triggerPercent) {
        return new LogSettings(sync, syncIntervalMillis, syncWindowMillis, segmentBytes, cacheBytes, compressionThresholdBytes,
                bytesPerSecond, triggerPercent, tombstoneGraceMillis);
    }

    public LogSettings withTombstoneGraceMillis(long value) {
        return new LogSettings(sync, syncIntervalMillis, syncWindowMillis, segmentBytes, cacheBytes, compressionThresholdBytes,
                compactionBytesPerSecond, compactionTriggerPercent, value);
    }
}
