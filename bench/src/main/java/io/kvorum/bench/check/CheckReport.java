package io.kvorum.bench.check;

import java.util.List;

/**
 * What the correctness check found.
 *
 * @param keysChecked         keys read back at the end (every key this run wrote)
 * @param readsChecked        reads during the run that were judged
 * @param staleReads          reads that missed an acknowledged write
 * @param acknowledgedWrites  writes that got a 200
 * @param indeterminateWrites writes that failed (503, timeout, ...) and so may or may not have happened
 * @param lostWrites          acknowledged writes that the final read-back did not reflect
 * @param unreadableKeys      keys whose final read-back failed (so nothing could be judged)
 * @param examples            a few human-readable findings, for the report
 */
public record CheckReport(long keysChecked, long readsChecked, long staleReads, long acknowledgedWrites,
                          long indeterminateWrites, long lostWrites, long unreadableKeys, List<String> examples) {

    /** Copies. */
    public CheckReport {
        examples = List.copyOf(examples);
    }

    /** True when no stale read and no lost write was found. */
    public boolean clean() {
        return staleReads == 0 && lostWrites == 0;
    }
}
