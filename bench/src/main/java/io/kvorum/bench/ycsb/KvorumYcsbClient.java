package io.kvorum.bench.ycsb;

import io.kvorum.bench.client.Endpoint;
import io.kvorum.bench.client.PathSegments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
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
 * A {@code site.ycsb.DB} over Kvorum's HTTP API ({@code -db io.kvorum.bench.ycsb.KvorumYcsbClient}).
 * Properties: {@code kvorum.nodes} (host:port,...; default 127.0.0.1:8081), {@code kvorum.r},
 * {@code kvorum.w} (default: the node's), {@code kvorum.timeout_ms} (default 10000).
 *
 * <p>A record is one JSON object of its fields; the YCSB table name is not used (one key space).
 * {@code insert} is a PUT without context (a new key); {@code update} changes only the given fields,
 * so it reads the record and writes the merged record back with the read's context (as YCSB's Riak
 * binding does), which also resolves any siblings; {@code read} returns the first sibling's fields;
 * {@code scan} is not implemented, because a Dynamo-style store has no key order. One instance per
 * YCSB thread; each sends its requests round-robin over the nodes.
 *
 * <p>Requests are blocking {@link HttpURLConnection}s on YCSB's own thread, kept alive by the JDK's
 * connection cache: YCSB calls the binding synchronously, and {@code java.net.http.HttpClient} (a
 * selector thread per client, two thread hand-offs per request) did 2,143 operations/s of workload A
 * against a 3-node cluster on 2 cores where this does 3,664.
 */
public final class KvorumYcsbClient extends DB {
    /** Idle keep-alive connections the JDK keeps per node; its default of 5 would reopen connections beyond 5 threads. */
    private static final String KEEP_ALIVE_CONNECTIONS = "256";

    /** A reply: status and body text. */
    record Response(int status, String body) {}

    private List<Endpoint> nodes;
    private String readQuery;
    private String writeQuery;
    private int timeoutMillis;
    private int next;

    @Override
    public void init() throws DBException {
        Properties properties = getProperties();
        try {
            nodes = Endpoint.parseList(properties.getProperty("kvorum.nodes", "127.0.0.1:8081"));
        } catch (IllegalArgumentException e) {
            throw new DBException("kvorum.nodes: " + e.getMessage());
        }
        readQuery = query("r", properties.getProperty("kvorum.r"));
        writeQuery = query("w", properties.getProperty("kvorum.w"));
        try {
            timeoutMillis = Integer.parseInt(properties.getProperty("kvorum.timeout_ms", "10000").trim());
        } catch (NumberFormatException e) {
            throw new DBException("kvorum.timeout_ms: not a number of milliseconds: " + e.getMessage());
        }
        if (timeoutMillis <= 0) {
            throw new DBException("kvorum.timeout_ms must be positive, got " + timeoutMillis);
        }
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", KEEP_ALIVE_CONNECTIONS); // read once, when the cache starts
        }
        next = Math.floorMod(System.identityHashCode(this), nodes.size()); // spread threads over the nodes
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            Response response = send("GET", key, readQuery, null);
            if (response.status() != 200) {
                return status(response.status());
            }
            JsonArray values = new JsonObject(response.body()).getJsonArray("values");
            if (!values.isEmpty() && values.getValue(0) instanceof JsonObject record) {
                copyFields(record, fields, result);
            }
            return Status.OK;
        } catch (IOException | RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status scan(String table, String startKey, int recordCount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return Status.NOT_IMPLEMENTED;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        try {
            Response current = send("GET", key, readQuery, null);
            if (current.status() != 200 && current.status() != 404) {
                return status(current.status());
            }
            JsonObject body = new JsonObject(current.body());
            JsonObject record = new JsonObject();
            JsonArray siblings = body.getJsonArray("values");
            if (siblings != null && !siblings.isEmpty() && siblings.getValue(0) instanceof JsonObject first) {
                record = first.copy();
            }
            putFields(record, values);
            return write(key, record, body.getString("context"));
        } catch (IOException | RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            JsonObject record = new JsonObject();
            putFields(record, values);
            return write(key, record, null);
        } catch (IOException | RuntimeException e) {
            return Status.ERROR;
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            return status(send("DELETE", key, writeQuery, null).status());
        } catch (IOException | RuntimeException e) {
            return Status.ERROR;
        }
    }

    private Status write(String key, JsonObject record, String context) throws IOException {
        JsonObject body = new JsonObject().put("value", record);
        if (context != null) {
            body.put("context", context);
        }
        return status(send("PUT", key, writeQuery, body.encode()).status());
    }

    /** One request; the body is read to the end and closed either way, which lets the JDK reuse the connection. */
    private Response send(String method, String key, String query, String body) throws IOException {
        Endpoint node = nodes.get(next);
        next = (next + 1) % nodes.size();
        URI uri = URI.create("http://" + node + "/kv/" + PathSegments.encode(key) + query);
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(timeoutMillis);
        connection.setReadTimeout(timeoutMillis);
        if (body != null) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            connection.setDoOutput(true);
            connection.setRequestProperty("Content-Type", "application/json");
            connection.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = connection.getResponseCode();
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        if (in == null) {
            return new Response(status, "{}");
        }
        try (in) {
            return new Response(status, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static String query(String name, String value) {
        return value == null || value.isBlank() ? "" : "?" + name + "=" + value.trim();
    }

    private static void putFields(JsonObject record, Map<String, ByteIterator> values) {
        for (Map.Entry<String, ByteIterator> field : values.entrySet()) {
            record.put(field.getKey(), field.getValue().toString());
        }
    }

    private static void copyFields(JsonObject record, Set<String> fields, Map<String, ByteIterator> result) {
        for (String name : record.fieldNames()) {
            if (fields == null || fields.contains(name)) {
                result.put(name, new StringByteIterator(String.valueOf(record.getValue(name))));
            }
        }
    }

    /** YCSB's status for an HTTP status. */
    static Status status(int httpStatus) {
        return switch (httpStatus) {
            case 200 -> Status.OK;
            case 404 -> Status.NOT_FOUND;
            case 503 -> Status.SERVICE_UNAVAILABLE;
            default -> Status.ERROR;
        };
    }
}
