package io.kvorum.config;

import java.time.Duration;

/**
 * Which storage engine keeps this node's data and how the durable log engine behaves ({@code storage.*}).
 *
 * @param engine the engine
 * @param sync when the log engine fsyncs
 * @param syncInterval how often it fsyncs under {@link SyncPolicy#INTERVAL}
 * @param syncWindow how long, under {@link SyncPolicy#ALWAYS}, a write waiting for an fsync waits for others to share it
 * @param segmentBytes size at which a segment file is sealed
 * @param cacheSize how much the read cache of states (kept encoded) holds: bytes, or a share of the heap (0 bytes: no cache)
 * @param compressionThresholdBytes payloads at least this big are LZ4-compressed
 * @param compactionBytesPerSecond most bytes per second compaction reads
 * @param compactionTriggerPercent dead share of a sealed segment that makes it due for compaction
 * @param tombstoneGrace how long tombstone-only states are kept before compaction drops them
 * @param siblingsMax most siblings a write may leave on a key
 * @param keyBytesMax most encoded bytes a write may leave a key's state at
 */
public record StorageConfig(
        Engine engine,
        SyncPolicy sync,
        Duration syncInterval,
        Duration syncWindow,
        int segmentBytes,
        CacheSize cacheSize,
        int compressionThresholdBytes,
        int compactionBytesPerSecond,
        int compactionTriggerPercent,
        Duration tombstoneGrace,
        int siblingsMax,
        int keyBytesMax) {

    public StorageConfig {
        ConfigKeys.STORAGE_ENGINE.check(engine);
        ConfigKeys.STORAGE_SYNC.check(sync);
        ConfigKeys.STORAGE_SYNC_INTERVAL.check(syncInterval);
        ConfigKeys.STORAGE_SYNC_WINDOW.check(syncWindow);
        ConfigKeys.STORAGE_SEGMENT_SIZE.check(segmentBytes);
        ConfigKeys.STORAGE_CACHE_SIZE.check(cacheSize);
        ConfigKeys.STORAGE_COMPRESSION_THRESHOLD.check(compressionThresholdBytes);
        ConfigKeys.STORAGE_COMPACTION_RATE.check(compactionBytesPerSecond);
        ConfigKeys.STORAGE_COMPACTION_TRIGGER.check(compactionTriggerPercent);
        ConfigKeys.STORAGE_TOMBSTONE_GRACE.check(tombstoneGrace);
        ConfigKeys.STORAGE_SIBLINGS_MAX.check(siblingsMax);
        ConfigKeys.STORAGE_KEY_BYTES_MAX.check(keyBytesMax);
    }

    /** {@code engine} with every other {@code storage.*} key at its default (for key-bytes-max: the default of the default settings). */
    public StorageConfig(Engine engine) {
        this(engine, ConfigKeys.STORAGE_SYNC.defaultValue(null), ConfigKeys.STORAGE_SYNC_INTERVAL.defaultValue(null),
                ConfigKeys.STORAGE_SYNC_WINDOW.defaultValue(null),
                ConfigKeys.STORAGE_SEGMENT_SIZE.defaultValue(null), ConfigKeys.STORAGE_CACHE_SIZE.defaultValue(null),
                ConfigKeys.STORAGE_COMPRESSION_THRESHOLD.defaultValue(null), ConfigKeys.STORAGE_COMPACTION_RATE.defaultValue(null),
                ConfigKeys.STORAGE_COMPACTION_TRIGGER.defaultValue(null), ConfigKeys.STORAGE_TOMBSTONE_GRACE.defaultValue(null),
                ConfigKeys.STORAGE_SIBLINGS_MAX.defaultValue(null), ConfigKeys.KEY_BYTES_MAX_DEFAULT);
    }

    /** This configuration with {@code engine} replaced. */
    public StorageConfig withEngine(Engine engine) {
        return new StorageConfig(engine, sync, syncInterval, syncWindow, segmentBytes, cacheSize, compressionThresholdBytes,
                compactionBytesPerSecond, compactionTriggerPercent, tombstoneGrace, siblingsMax, keyBytesMax);
    }

    /** This configuration with the per-key limits replaced. */
    public StorageConfig withKeyLimits(int siblingsMax, int keyBytesMax) {
        return new StorageConfig(engine, sync, syncInterval, syncWindow, segmentBytes, cacheSize, compressionThresholdBytes,
                compactionBytesPerSecond, compactionTriggerPercent, tombstoneGrace, siblingsMax, keyBytesMax);
    }

    /** The storage engines a node can run; written in lower case in settings. */
    public enum Engine {
        /** The durable, append-only log engine (Bitcask-style) under the node's data directory. */
        LOG,
        /** Keeps everything in memory: fast, and lost on restart. For tests and trials. */
        MEMORY
    }

    /** When the log engine forces its writes to disk; written in lower case in settings. */
    public enum SyncPolicy {
        /** Every update waits for the fsync that covers it; concurrent updates share one fsync. */
        ALWAYS,
        /** An fsync every {@code storage.sync-interval}; a crash may lose that much acknowledged data. */
        INTERVAL,
        /** Never fsync; the operating system writes back when it likes. */
        NEVER
    }
}
