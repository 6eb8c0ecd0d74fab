package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A client of one node that speaks api.md over HTTP/1.1 and returns what came back: status,
 * headers, the body's bytes, and helpers that parse it. It asserts nothing by itself; the
 * assertions are in {@link ApiAssertions}.
 */
final class ApiClient {
    /** One client for the whole run: HTTP/1.1 only (api-reference: there is no HTTP/2). */
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Far above any answer the node owes (request timeout plus its own 5 s deadline). */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JSON_FACTORY = new JsonFactory();

    private final URI base;

    ApiClient(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    int port() {
        return base.getPort();
    }

    /** {@code host:port} as {@code /cluster/members} shows a node's HTTP address. */
    String hostPort() {
        return base.getHost() + ":" + base.getPort();
    }

    // --- /kv/{key} with a decoded key (this class percent-encodes it) -------------------------------

    Answer get(String key) {
        return get(key, "");
    }

    /** {@code query} is a raw query string without the {@code ?}, or empty. */
    Answer get(String key, String query) {
        return send("GET", kvPath(key, query), null);
    }

    Answer put(String key, String body) {
        return put(key, body, "");
    }

    Answer put(String key, String body, String query) {
        return send("PUT", kvPath(key, query), body);
    }

    /** PATCH with a raw {@code body} and a raw {@code query} (without the {@code ?}, or empty). */
    Answer patch(String key, String body, String query) {
        return send("PATCH", kvPath(key, query), body);
    }

    /** PUT {@code {"value": valueJson}} without a context. */
    Answer putValue(String key, String valueJson) {
        return put(key, "{\"value\":" + valueJson + "}");
    }

    /** PUT {@code {"value": valueJson, "context": context}}. */
    Answer putValue(String key, String valueJson, String context) {
        return put(key, "{\"value\":" + valueJson + ",\"context\":\"" + context + "\"}");
    }

    /** DELETE without a body. */
    Answer delete(String key) {
        return send("DELETE", kvPath(key, ""), null);
    }

    Answer delete(String key, String body, String query) {
        return send("DELETE", kvPath(key, query), body);
    }

    Answer deleteWithContext(String key, String context) {
        return delete(key, "{\"context\":\"" + context + "\"}", "");
    }

    Answer replicas(String key) {
        return send("GET", "/kv/" + encodeKey(key) + "/replicas", null);
    }

    // --- anything else ------------------------------------------------------------------------------

    /** GET of a raw (already encoded) path and query, e.g. {@code /cluster/ring}. */
    Answer get(RawPath path) {
        return send("GET", path.value(), null);
    }

    /** Any method on a raw path; {@code body} null sends no body. */
    Answer send(String method, String rawPathAndQuery, String body) {
        return sendBytes(method, rawPathAndQuery, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    Answer sendBytes(String method, String rawPathAndQuery, byte[] body) {
        try {
            return sendAsync(method, rawPathAndQuery, body).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new AssertionError(method + " " + base + rawPathAndQuery + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** The same, without waiting: for requests that must be in flight while something else happens. */
    CompletableFuture<Answer> sendAsync(String method, String rawPathAndQuery, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + rawPathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        long started = System.nanoTime();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> new Answer(method + " " + rawPathAndQuery, response.statusCode(), response.headers(),
                        response.body(), Duration.ofNanos(System.nanoTime() - started)));
    }

    /** {@code /kv/<encoded key>} plus {@code ?query} when there is one. */
    static String kvPath(String key, String query) {
        return "/kv/" + encodeKey(key) + (query == null || query.isEmpty() ? "" : "?" + query);
    }

    /** Percent-encodes every UTF-8 byte except RFC 3986 unreserved characters. */
    static String encodeKey(String key) {
        StringBuilder out = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~'
                    || c == ':') {
                out.append((char) c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    /** A path (and query) sent exactly as written, already percent-encoded. */
    record RawPath(String value) {}

    /** A raw socket's response as an {@link Answer}, so that {@link ApiAssertions} apply to it too. */
    static Answer answer(String request, io.kvorum.http.RawHttp.Response response) {
        java.util.Map<String, List<String>> all = new java.util.TreeMap<>();
        response.headers().forEach((name, value) -> all.put(name, List.of(value)));
        return new Answer(request, response.status(), HttpHeaders.of(all, (name, value) -> true),
                response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ZERO);
    }

    static RawPath raw(String pathAndQuery) {
        return new RawPath(pathAndQuery);
    }

    /** One response. */
    record Answer(String request, int status, HttpHeaders headers, byte[] bytes, Duration took) {
        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** The body parsed as JSON; fails the test (showing the body) when it is not JSON. */
        JsonNode json() {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                return fail(request + " answered " + status + " with a body that is not JSON: " + body(), e);
            }
        }

        /** The {@code context} field, or null when there is none. */
        String context() {
            JsonNode context = json().get("context");
            return context == null || context.isNull() ? null : context.asText();
        }

        /**
         * The exact JSON text of each element of the top-level {@code values} array, byte for byte as
         * the node sent it (a JSON tree would lose number formatting, key order and escapes).
         */
        List<String> rawValues() {
            try (JsonParser parser = JSON_FACTORY.createParser(bytes)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return fail(request + ": the body is not a JSON object: " + body());
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken token = parser.nextToken();
                    if (name.equals("values") && token == JsonToken.START_ARRAY) {
                        return splitArray((int) parser.currentTokenLocation().getByteOffset());
                    }
                    parser.skipChildren();
                }
                return fail(request + ": the body has no \"values\" array: " + body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The elements of the array whose '[' is at {@code open}, as exact text. */
        private List<String> splitArray(int open) {
            List<String> values = new ArrayList<>();
            int i = skipSpace(open + 1);
            if (bytes[i] == ']') {
                return values;
            }
            while (true) {
                int end = endOfValue(i);
                values.add(new String(bytes, i, end - i, StandardCharsets.UTF_8));
                i = skipSpace(end);
                if (bytes[i] == ']') {
                    return values;
                }
                if (bytes[i] != ',') {
                    return fail(request + ": unexpected '" + (char) bytes[i] + "' at byte " + i + " in " + body());
                }
                i = skipSpace(i + 1);
            }
        }

        private int skipSpace(int i) {
            while (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r') {
                i++;
            }
            return i;
        }

        /** The index just after the JSON value starting at {@code i} (the body is known to be valid JSON). */
        private int endOfValue(int i) {
            byte first = bytes[i];
            if (first == '"') {
                return endOfString(i);
            }
            if (first == '{' || first == '[') {
                int depth = 0;
                for (int j = i; ; j++) {
                    byte b = bytes[j];
                    if (b == '"') {
                        j = endOfString(j) - 1;
                    } else if (b == '{' || b == '[') {
                        depth++;
                    } else if ((b == '}' || b == ']') && --depth == 0) {
                        return j + 1;
                    }
                }
            }
            int j = i;
            while (bytes[j] != ',' && bytes[j] != ']' && bytes[j] != ' ' && bytes[j] != '\t' && bytes[j] != '\n'
                    && bytes[j] != '\r') {
                j++;
            }
            return j;
        }

        private int endOfString(int open) {
            for (int j = open + 1; ; j++) {
                if (bytes[j] == '\\') {
                    j++;
                } else if (bytes[j] == '"') {
                    return j + 1;
                }
            }
        }

        @Override
        public String toString() {
            String text = body();
            return request + " -> " + status + " " + (text.length() > 500 ? text.substring(0, 500) + "..." : text);
        }
    }
}
