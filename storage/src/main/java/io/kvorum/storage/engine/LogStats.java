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
 */
public record LogStats(long keys, long keydirHeapBytes, long segments, long diskBytes, long deadBytes,
                       long corruptRecords, long compactions, long bytesReclaimed, long fsyncs,
                       long cacheHits, long cacheMisses) {
    /** This snapshot with the cache counters of the engine above the log. */
    public LogStats withCache(long hits, long misses) {
        return new LogStats(keys, keydirHeapBytes, segments, diskBytes, deadBytes, corruptRecords, compactions,
                bytesReclaimed, fsyncs, hits, misses);
    }
}
