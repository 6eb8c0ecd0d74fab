package io.kvorum.bench.ycsb;

import io.kvorum.client.ClientSecurity;
import io.kvorum.client.ConflictException;
import io.kvorum.client.ConflictResolver;
import io.kvorum.client.Fetched;
import io.kvorum.client.InvalidRequestException;
import io.kvorum.client.KvorumClient;
import io.kvorum.client.KvorumClientBuilder;
import io.kvorum.client.KvorumException;
import io.kvorum.client.Level;
import io.kvorum.client.NoNodeAvailableException;
import io.kvorum.client.ServerErrorException;
import io.kvorum.client.TimeoutException;
import io.kvorum.client.UnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * A {@code site.ycsb.DB} over the Kvorum Java client ({@code -db io.kvorum.bench.ycsb.KvorumYcsbClient}).
 * Properties: {@code kvorum.nodes} (contact points, host:port,...; default 127.0.0.1:8081),
 * {@code kvorum.r}, {@code kvorum.w} (default: the node's), {@code kvorum.token} (a bearer token for
 * nodes with {@code http.auth.tokens-file}), {@code kvorum.tls.ca} (a PEM file to trust: speak HTTPS), {@code kvorum.timeout_ms} (how long the
 * client waits for an answer, default 10000).
 *
 * <p>A record is one JSON object of its fields; the YCSB table name is not used (one key space).
 * {@code insert} is a put without context (a new key); {@code update} changes only the given fields,
 * so it is one {@code PATCH} with those fields as a JSON Merge Patch (one round trip: the node reads,
 * merges and writes with the read's context); only when the key holds siblings does it fall back to
 * read, take the first sibling, merge the fields, write back with the read's context (as YCSB's Riak
 * binding does), which resolves them; {@code read}
 * returns the first sibling's fields; {@code scan} is not implemented, because a Dynamo-style store
 * has no key order.
 *
 * <p>YCSB makes one instance per thread; they share one {@link KvorumClient} per distinct set of
 * properties (the client is thread-safe and meant to be one per application), opened by the first
 * {@code init} and closed by the last {@code cleanup}, as YCSB's Cassandra binding shares its session.
 * Requests are blocking exchanges on YCSB's own thread, sent token-aware to a replica of the key.
 */
public final class KvorumYcsbClient extends DB {
    /** Record values: field name to field text. */
    @SuppressWarnings("unchecked")
    private static final Class<Map<String, Object>> RECORD = (Class<Map<String, Object>>) (Class<?>) Map.class;

    private SharedClients.Lease lease;

    @Override
    public void init() throws DBException {
        Properties properties = getProperties();
        String nodes = properties.getProperty("kvorum.nodes", "127.0.0.1:8081");
        String r = properties.getProperty("kvorum.r");
        String w = properties.getProperty("kvorum.w");
        int timeoutMillis;
        try {
            timeoutMillis = Integer.parseInt(properties.getProperty("kvorum.timeout_ms", "10000").trim());
        } catch (NumberFormatException e) {
            throw new DBException("kvorum.timeout_ms: not a number of milliseconds: " + e.getMessage());
        }
        if (timeoutMillis <= 0) {
            throw new DBException("kvorum.timeout_ms must be positive, got " + timeoutMillis);
        }
        KvorumClientBuilder builder;
        try {
            builder = KvorumClient.builder().contactPoints(nodes).readTimeout(Duration.ofMillis(timeoutMillis))
                    .connectTimeout(Duration.ofMillis(timeoutMillis));
        } catch (IllegalArgumentException e) {
            throw new DBException("kvorum.nodes: " + e.getMessage());
        }
        try {
            if (r != null && !r.isBlank()) {
                builder.r(Level.parse(r));
            }
            if (w != null && !w.isBlank()) {
                builder.w(Level.parse(w));
            }
        } catch (IllegalArgumentException e) {
            throw new DBException("kvorum.r / kvorum.w: " + e.getMessage());
        }
        String token = properties.getProperty("kvorum.token");
        String tlsCa = properties.getProperty("kvorum.tls.ca");
        try {
            if (token != null && !token.isBlank()) {
                builder.bearerToken(token.strip());
            }
            if (tlsCa != null && !tlsCa.isBlank()) {
                builder.tls(ClientSecurity.trusting(Path.of(tlsCa.strip())));
            }
        } catch (RuntimeException e) {
            throw new DBException("kvorum.token / kvorum.tls.ca: " + e.getMessage());
        }
        try {
            // The token is part of the key (two configurations must not share a client) but only as a hash.
            lease = SharedClients.INSTANCE.acquire(nodes + "|" + r + "|" + w + "|" + timeoutMillis + "|"
                    + (token == null ? "" : Integer.toHexString(token.hashCode())) + "|" + tlsCa, builder::build);
        } catch (KvorumException e) {
            throw new DBException("kvorum.nodes: cannot reach the cluster: " + e.getMessage(), e);
        }
    }

    @Override
    public void cleanup() {
        if (lease != null) {
            lease.release();
            lease = null;
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Fetched<Map<String, Object>> fetched = lease.client().get(key, RECORD);
            if (!fetched.isFound()) {
                return Status.NOT_FOUND;
            }
            if (fetched.values().get(0) != null) {
                copyFields(fetched.values().get(0), fields, result);
            }
            return Status.OK;
        } catch (KvorumException e) {
            return status(e);
        }
    }

    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        Map<String, Object> fields = new LinkedHashMap<>();
        putFields(fields, values);
        try {
            lease.client().patch(key, fields, null);
            return Status.OK;
        } catch (ConflictException siblings) {
            return resolveAndUpdate(key, fields);
        } catch (KvorumException e) {
            return status(e);
        }
    }

    /**
     * The key holds siblings (concurrent updates of a hot key), which a merge patch cannot choose
     * between: read, keep the first sibling (as YCSB's Riak binding does), merge the fields and write
     * back with the read's context, which resolves them.
     */
    private Status resolveAndUpdate(String key, Map<String, Object> fields) {
        try {
            lease.client().update(key, RECORD, ConflictResolver.first(), current -> {
                Map<String, Object> record = current == null ? new LinkedHashMap<>() : new LinkedHashMap<>(current);
                record.putAll(fields);
                return record;
            });
            return Status.OK;
        } catch (KvorumException e) {
            return status(e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            Map<String, Object> record = new LinkedHashMap<>();
            putFields(record, values);
            lease.client().put(key, record, null);
            return Status.OK;
        } catch (KvorumException e) {
            return status(e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            lease.client().delete(key, null);
            return Status.OK;
        } catch (KvorumException e) {
            return status(e);
        }
    }

    private static void putFields(Map<String, Object> record, Map<String, ByteIterator> values) {
        for (Map.Entry<String, ByteIterator> field : values.entrySet()) {
            record.put(field.getKey(), field.getValue().toString());
        }
    }

    private static void copyFields(Map<String, Object> record, Set<String> fields, Map<String, ByteIterator> result) {
        for (Map.Entry<String, Object> field : record.entrySet()) {
            if (fields == null || fields.contains(field.getKey())) {
                result.put(field.getKey(), new StringByteIterator(String.valueOf(field.getValue())));
            }
        }
    }

    /** YCSB's status for a client failure. */
    static Status status(KvorumException failure) {
        return switch (failure) {
            case UnavailableException unavailable -> Status.SERVICE_UNAVAILABLE;
            case TimeoutException timeout -> Status.ERROR;
            case InvalidRequestException invalid -> Status.BAD_REQUEST;
            case ConflictException conflict -> Status.ERROR;
            case NoNodeAvailableException none -> Status.ERROR;
            case ServerErrorException server -> Status.ERROR;
        };
    }
}
