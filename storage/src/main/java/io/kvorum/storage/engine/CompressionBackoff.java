package io.kvorum.storage.engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Decides whether the next record is worth an LZ4 attempt. Payloads that do not compress (random
 * or already compressed values) cost a full compression pass each and save nothing, about a tenth
 * of a replicated write's CPU in the benchmark's random records. So after a record fails to shrink,
 * the next attempts are skipped, twice as many after each further failure up to
 * {@value #SKIP_MAX}; one record that does shrink turns compression back on for every record
 * (the early abort of ZFS and Btrfs, over a stream of records instead of one).
 *
 * <p>Thread-safe; concurrent writers may see a slightly stale decision, which costs at most one
 * wasted or skipped attempt.
 */
final class CompressionBackoff {
    static final int SKIP_MAX = 64;

    private final AtomicInteger skipAfterFailure = new AtomicInteger();
    private final AtomicInteger toSkip = new AtomicInteger();

    /** Whether to try compressing the next record (false: store it as it is). */
    boolean shouldTry() {
        return toSkip.get() <= 0 || toSkip.getAndDecrement() <= 0;
    }

    /** What the attempt this class allowed came to. */
    void record(boolean compressed) {
        if (compressed) {
            skipAfterFailure.set(0);
            toSkip.set(0);
        } else {
            int skip = Math.min(SKIP_MAX, Math.max(1, skipAfterFailure.get() * 2));
            skipAfterFailure.set(skip);
            toSkip.set(skip);
        }
    }
}
