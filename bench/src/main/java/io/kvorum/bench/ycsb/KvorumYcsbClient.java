package io.kvorum.bench.ycsb;

import io.kvorum.bench.client.Endpoint;
import io.kvorum.bench.client.PathSegments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * YCSB thread; each sends its requests round-robin over the nodes on its own keep-alive connections.
 */
public final class KvorumYcsbClient extends DB {

    private List<Endpoint> nodes;
    private String readQuery;
    private String writeQuery;
    private Duration timeout;
    private HttpClient http;
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
        timeout = Duration.ofMillis(Long.parseLong(properties.getProperty("kvorum.timeout_ms", "10000")));
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        next = Math.floorMod(System.identityHashCode(this), nodes.size()); // spread threads over the nodes
    }

    @Override
    public void cleanup() {
        if (http != null) {
            http.close();
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(key, readQuery)).GET());
            if (response.statusCode() != 200) {
                return status(response.statusCode());
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
            HttpResponse<String> current = send(HttpRequest.newBuilder(uri(key, readQuery)).GET());
            if (current.statusCode() != 200 && current.statusCode() != 404) {
                return status(current.statusCode());
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
            return status(send(HttpRequest.newBuilder(uri(key, writeQuery)).DELETE()).statusCode());
        } catch (IOException | RuntimeException e) {
            return Status.ERROR;
        }
    }

    private Status write(String key, JsonObject record, String context) throws IOException {
        JsonObject body = new JsonObject().put("value", record);
        if (context != null) {
            body.put("context", context);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(key, writeQuery))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body.encode()));
        return status(send(request).statusCode());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        try {
            return http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private URI uri(String key, String query) {
        Endpoint node = nodes.get(next);
        next = (next + 1) % nodes.size();
        return URI.create("http://" + node + "/kv/" + PathSegments.encode(key) + query);
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
