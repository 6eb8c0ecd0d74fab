package io.kvorum.bench.cassandra;

import com.datastax.driver.core.BoundStatement;
import com.datastax.driver.core.ColumnDefinitions;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.PreparedStatement;
import com.datastax.driver.core.ResultSet;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * A {@code site.ycsb.DB} for Apache Cassandra over the DataStax 3.x driver
 * ({@code -db io.kvorum.bench.cassandra.CassandraYcsbClient}), doing what YCSB's cassandra-cql
 * binding does: one shared session per JVM, token-aware, a prepared statement per operation and field
 * set, QUORUM reads and writes by default.
 *
 * <p>Properties: {@code hosts} (contact points, comma-separated; required), {@code port} (9042),
 * {@code cassandra.keyspace} ({@code ycsb}), {@code cassandra.readconsistencylevel} and
 * {@code cassandra.writeconsistencylevel} ({@code QUORUM}), {@code table} (YCSB's, {@code usertable}).
 * The table is {@code (y_id varchar PRIMARY KEY, field0 varchar, ...)}.
 *
 * <p>{@code read} selects the requested fields (or all); {@code update} is one blind
 * {@code UPDATE ... SET} of the given fields, {@code insert} an {@code INSERT}, {@code delete} a
 * {@code DELETE}; {@code scan} is not implemented (the workloads A, B and C do not scan).
 */
public final class CassandraYcsbClient extends DB {
    private static final String KEY = "y_id";
    /** Failed operations are counted; the first few are printed with their cause, the rest only counted. */
    private static final AtomicLong ERRORS = new AtomicLong();
    private static final int ERRORS_PRINTED = 10;
    /** Prepared statements by (operation, table, field list), shared by all threads like the session. */
    private static final Map<String, PreparedStatement> PREPARED = new ConcurrentHashMap<>();

    private Session session;
    private ConsistencyLevel readLevel;
    private ConsistencyLevel writeLevel;

    @Override
    public void init() throws DBException {
        Properties p = getProperties();
        String hosts = p.getProperty("hosts");
        if (hosts == null || hosts.isBlank()) {
            throw new DBException("CassandraYcsbClient needs -p hosts=HOST[,HOST...]");
        }
        int port;
        try {
            port = Integer.parseInt(p.getProperty("port", "9042"));
        } catch (NumberFormatException e) {
            throw new DBException("port must be a number, got " + p.getProperty("port"), e);
        }
        readLevel = level(p, "cassandra.readconsistencylevel");
        writeLevel = level(p, "cassandra.writeconsistencylevel");
        try {
            session = SharedSession.acquire(hosts, port, p.getProperty("cassandra.keyspace", "ycsb"));
        } catch (RuntimeException e) {
            throw new DBException("cannot connect to Cassandra at " + hosts + ":" + port + ": " + e, e);
        }
    }

    private static ConsistencyLevel level(Properties p, String name) throws DBException {
        String value = p.getProperty(name, "QUORUM");
        try {
            return ConsistencyLevel.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new DBException(name + " must be a consistency level such as QUORUM, got " + value, e);
        }
    }

    @Override
    public void cleanup() throws DBException {
        if (session != null) {
            session = null;
            SharedSession.release();
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        List<String> columns = fields == null ? List.of() : new ArrayList<>(new TreeSet<>(fields));
        String projection = columns.isEmpty() ? "*" : String.join(", ", columns);
        try {
            PreparedStatement statement = prepare("read", table, columns,
                    () -> "SELECT " + projection + " FROM " + table + " WHERE " + KEY + " = ? LIMIT 1", readLevel);
            Row row = session.execute(statement.bind(key)).one();
            if (row == null) {
                return Status.NOT_FOUND;
            }
            for (ColumnDefinitions.Definition column : row.getColumnDefinitions()) {
                String name = column.getName();
                if (!KEY.equals(name)) {
                    ByteBuffer bytes = row.getBytesUnsafe(name);
                    result.put(name, bytes == null ? null : new ByteArrayByteIterator(toArray(bytes)));
                }
            }
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("read", key, e);
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public Status scan(String table, String startKey, int count, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        List<String> columns = new ArrayList<>(new TreeSet<>(values.keySet()));
        try {
            PreparedStatement statement = prepare("update", table, columns, () -> "UPDATE " + table + " SET "
                    + String.join(" = ?, ", columns) + " = ? WHERE " + KEY + " = ?", writeLevel);
            Object[] bound = new Object[columns.size() + 1];
            for (int i = 0; i < columns.size(); i++) {
                bound[i] = values.get(columns.get(i)).toString();
            }
            bound[columns.size()] = key;
            session.execute(statement.bind(bound));
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("update", key, e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        List<String> columns = new ArrayList<>(new TreeSet<>(values.keySet()));
        try {
            PreparedStatement statement = prepare("insert", table, columns, () -> "INSERT INTO " + table + " ("
                    + KEY + ", " + String.join(", ", columns) + ") VALUES (?" + ", ?".repeat(columns.size()) + ")",
                    writeLevel);
            Object[] bound = new Object[columns.size() + 1];
            bound[0] = key;
            for (int i = 0; i < columns.size(); i++) {
                bound[i + 1] = values.get(columns.get(i)).toString();
            }
            session.execute(statement.bind(bound));
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("insert", key, e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            PreparedStatement statement = prepare("delete", table, List.of(),
                    () -> "DELETE FROM " + table + " WHERE " + KEY + " = ?", writeLevel);
            BoundStatement bound = statement.bind(key);
            session.execute(bound);
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("delete", key, e);
        }
    }

    /** The statement for this operation and field list, prepared once per JVM at the given level. */
    private PreparedStatement prepare(String operation, String table, List<String> columns,
                                      java.util.function.Supplier<String> cql, ConsistencyLevel level) {
        String id = operation + '|' + table + '|' + String.join(",", columns) + '|' + level;
        PreparedStatement known = PREPARED.get(id);
        if (known != null) {
            return known;
        }
        // Preparing twice in a race is harmless (the server returns the same id); keep the first.
        PreparedStatement prepared = session.prepare(cql.get()).setConsistencyLevel(level);
        PreparedStatement previous = PREPARED.putIfAbsent(id, prepared);
        return previous == null ? prepared : previous;
    }

    private static Status failed(String operation, String key, RuntimeException e) {
        if (ERRORS.incrementAndGet() <= ERRORS_PRINTED) {
            System.err.println("CassandraYcsbClient: " + operation + " " + key + " failed: " + e);
        }
        return Status.ERROR;
    }
}
