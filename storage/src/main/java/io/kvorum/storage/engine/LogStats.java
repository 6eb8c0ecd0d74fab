package io.kvorum.storage.engine;

/**
 * A snapshot of a log's counters, for the runtime's metrics.
 *
 * @param keys keys in the key directory
 * @param keydirHeapBytes heap the key directory holds, key bytes included
 * @param segments segment files
 * @param diskBytes bytes in all segment files
 * @param deadBytes bytes of overwritten or removed records not yet compacted away
 * @param corruptRecords records that failed their CRC (at recovery or on read), skipped and never served
 * @param compactions compactions completed
 * @param bytesReclaimed disk bytes compaction has freed
 * @param fsyncs fsyncs of the active segment (under {@code always}, one per group commit)
 * @param cacheHits reads served by the cache
 * @param cacheMisses reads that went to disk
 * @param cacheBytes what the cache holds now, as its weigher counts (encoded bytes plus a per-entry overhead)
 * @param cacheCapacityBytes the most the cache may hold ({@code storage.cache-size} resolved against the heap)
 */
public record LogStats(long keys, long keydirHeapBytes, long segments, long diskBytes, long deadBytes,
                       long corruptRecords, long compactions, long bytesReclaimed, long fsyncs,
                       long cacheHits, long cacheMisses, long cacheBytes, long cacheCapacityBytes) {
    /** This snapshot with the cache figures of the engine above the log. */
    public LogStats withCache(long hits, long misses, long bytes, long capacityBytes) {
        return new LogStats(keys, keydirHeapBytes, segments, diskBytes, deadBytes, corruptRecords, compactions,
                bytesReclaimed, fsyncs, hits, misses, bytes, capacityBytes);
    }
}
