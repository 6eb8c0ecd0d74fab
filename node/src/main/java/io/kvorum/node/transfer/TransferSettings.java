package io.kvorum.node.transfer;

import io.kvorum.common.Invariants;

/**
 * How a node receives the ranges it gains.
 *
 * @param rateBytesPerSecond the bound over all of this node's incoming streams ({@code transfer.rate})
 * @param concurrency ranges streamed at once ({@code transfer.concurrency})
 * @param batchBytes the size of one batch a source sends
 * @param settleMillis how long to wait, once every live member has seen a plan, before streaming:
 *     writes begun before a coordinator saw the plan are finished by then (their timeout)
 * @param requestTimeoutMillis a batch not answered by then is asked again, from another source if there is one
 * @param cleanupDelayMillis how long a ring must stay unchanged before a node drops data it no longer replicates
 */
public record TransferSettings(long rateBytesPerSecond, int concurrency, long batchBytes, long settleMillis,
                               long requestTimeoutMillis, long cleanupDelayMillis) {
    public TransferSettings {
        Invariants.require(rateBytesPerSecond > 0, "transfer rate must be > 0, got %d", rateBytesPerSecond);
        Invariants.require(concurrency >= 1, "transfer concurrency must be >= 1, got %d", concurrency);
        Invariants.require(batchBytes >= 1, "transfer batch must be >= 1 byte, got %d", batchBytes);
    }

    /** The defaults: 64 MiB/s over four streams of 1 MiB batches. */
    public static TransferSettings defaults() {
        return new TransferSettings(64L << 20, 4, 1L << 20, 2_000, 10_000, 30_000);
    }
}
