package io.kvorum.config;

import java.time.Duration;
import java.util.List;

/**
 * Replication factor N, default read and write quorums R and W, the request timeout, whether
 * quorums are sloppy by default, whether reads are digest reads, and how many replicas a read asks
 * at first ({@code quorum.*}).
 */
public record QuorumConfig(int n, int r, int w, Duration requestTimeout, boolean sloppy, boolean digestReads,
                           ReadFanout readFanout) {
    public QuorumConfig {
        ConfigKeys.QUORUM_N.check(n);
        ConfigKeys.QUORUM_R.check(r);
        ConfigKeys.QUORUM_W.check(w);
        ConfigKeys.QUORUM_REQUEST_TIMEOUT.check(requestTimeout);
        requireAtMostN(ConfigKeys.QUORUM_R, r, n);
        requireAtMostN(ConfigKeys.QUORUM_W, w, n);
    }

    /** With digest reads and quorum fan-out (the defaults of {@code quorum.digest-reads} and {@code quorum.read-fanout}). */
    public QuorumConfig(int n, int r, int w, Duration requestTimeout, boolean sloppy) {
        this(n, r, w, requestTimeout, sloppy, true, ReadFanout.QUORUM);
    }

    /** Which replicas of a key a read asks when it starts; written in lower case in settings. */
    public enum ReadFanout {
        /** R of them (Cassandra's): the others only when one of those fails or is slow. */
        QUORUM,
        /** All N (Riak's): more bytes and messages per read, and read repair reaches every replica. */
        ALL
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
