package io.kvorum.config;

import java.time.Duration;
import java.util.List;

/**
 * Replication factor N, default read and write quorums R and W, the request timeout, whether
 * quorums are sloppy by default, and whether reads are digest reads ({@code quorum.*}).
 */
public record QuorumConfig(int n, int r, int w, Duration requestTimeout, boolean sloppy, boolean digestReads) {
    public QuorumConfig {
        ConfigKeys.QUORUM_N.check(n);
        ConfigKeys.QUORUM_R.check(r);
        ConfigKeys.QUORUM_W.check(w);
        ConfigKeys.QUORUM_REQUEST_TIMEOUT.check(requestTimeout);
        requireAtMostN(ConfigKeys.QUORUM_R, r, n);
        requireAtMostN(ConfigKeys.QUORUM_W, w, n);
    }

    /** With digest reads ({@code quorum.digest-reads}'s default). */
    public QuorumConfig(int n, int r, int w, Duration requestTimeout, boolean sloppy) {
        this(n, r, w, requestTimeout, sloppy, true);
    }

    /** {@link #requestTimeout()} in milliseconds, the unit the core works in. */
    public long requestTimeoutMillis() {
        return requestTimeout.toMillis();
    }

    /** A quorum larger than the number of replicas could never be reached. */
    private static void requireAtMostN(ConfigKey<Integer> key, int quorum, int n) {
        if (quorum > n) {
            throw new ConfigException(List.of(key.name(), ConfigKeys.QUORUM_N.name()),
                    key.name() + ": " + quorum + " is out of range 1.." + n + " (at most quorum.n)");
        }
    }
}
