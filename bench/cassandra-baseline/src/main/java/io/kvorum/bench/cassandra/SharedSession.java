package io.kvorum.bench.cassandra;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.QueryOptions;
import com.datastax.driver.core.Session;
import com.datastax.driver.core.policies.DCAwareRoundRobinPolicy;
import com.datastax.driver.core.policies.TokenAwarePolicy;
import java.util.Arrays;

/**
 * The one driver {@link Cluster} and {@link Session} per JVM that every YCSB thread shares, as YCSB's
 * cassandra-cql binding does: the driver is thread-safe and pools its connections, so one session
 * per thread would only multiply connections. The first {@link #acquire} opens it, the last
 * {@link #release} closes it.
 */
final class SharedSession {
    private static Cluster cluster;
    private static Session session;
    private static int users;

    private SharedSession() {
    }

    /** The shared session, opened on first use against {@code hosts} (comma-separated) and {@code keyspace}. */
    static synchronized Session acquire(String hosts, int port, String keyspace) {
        if (session == null) {
            Cluster opened = build(hosts, port);
            try {
                session = opened.connect(keyspace);
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            cluster = opened;
        }
        users++;
        return session;
    }

    /** Closes the session when the last user releases it. */
    static synchronized void release() {
        if (users > 0 && --users == 0) {
            cluster.close(); // closes the session too
            cluster = null;
            session = null;
        }
    }

    /**
     * A driver cluster with the driver's default policies spelled out: token-aware routing over
     * round robin in the local data centre (what YCSB's binding gets by default), QUORUM by default.
     */
    static Cluster build(String hosts, int port) {
        String[] points = Arrays.stream(hosts.split(",")).map(String::trim).filter(h -> !h.isEmpty())
                .toArray(String[]::new);
        if (points.length == 0) {
            throw new IllegalArgumentException("hosts names no contact point: '" + hosts + "'");
        }
        return Cluster.builder()
                .addContactPoints(points)
                .withPort(port)
                .withLoadBalancingPolicy(new TokenAwarePolicy(DCAwareRoundRobinPolicy.builder().build()))
                .withQueryOptions(new QueryOptions().setConsistencyLevel(ConsistencyLevel.QUORUM))
                .withoutJMXReporting()
                .build();
    }
}
