package io.kvorum.node.transfer;

import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import java.util.List;
import java.util.Optional;

/**
 * What a node has received of the ranges it gains under one change plan, as it is persisted after
 * every batch: a restart (or a new source after a partition) resumes each range after its last
 * stored key instead of from zero.
 *
 * @param planId the plan the progress belongs to; progress of another plan is ignored
 */
public record TransferProgress(long planId, List<RangeProgress> ranges) {
    public TransferProgress {
        ranges = List.copyOf(ranges);
    }

    /**
     * One range: the last key stored durably ({@code after}, empty before the first batch), whether
     * the range is complete, and for a range streamed from several sources in turn, how many of them
     * are done ({@code sourcesDone}).
     */
    public record RangeProgress(TokenRange range, Optional<Key> after, int sourcesDone, boolean done, long keys, long bytes) {}

    /** The progress of {@code range}, if recorded. */
    public Optional<RangeProgress> of(TokenRange range) {
        return ranges.stream().filter(progress -> progress.range().equals(range)).findFirst();
    }
}
