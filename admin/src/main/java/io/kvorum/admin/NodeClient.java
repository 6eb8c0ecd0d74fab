package io.kvorum.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain HTTP/1.1 requests to one node, each bounded by the tool's timeout. */
final class NodeClient implements AutoCloseable {
    /** An answer: its status and its body parsed as JSON. */
    record Answer(int status, Json body) {}

    /** The node could not be reached, or did not answer in time, or answered something that is not JSON. */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }

    private final String node;
    private final Duration timeout;
    private final HttpClient client;

    NodeClient(String node, Duration timeout) {
        this.node = node;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    String node() {
        return node;
    }

    Answer get(String pathAndQuery) throws UnreachableException {
        return send("GET", pathAndQuery, null);
    }

    Answer send(String method, String pathAndQuery, String jsonBody) throws UnreachableException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + node + pathAndQuery)).timeout(timeout)
                .method(method, jsonBody == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UnreachableException("cannot reach " + node + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while waiting for " + node);
        }
        try {
            return new Answer(response.statusCode(), Json.parse(response.body()));
        } catch (Json.MalformedException e) {
            throw new UnreachableException(node + " answered " + method + " " + pathAndQuery + " with HTTP "
                    + response.statusCode() + " and a body that is " + e.getMessage() + "; is it a Kvorum node?");
        }
    }

    private String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        if (name.contains("Timeout")) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            return name.equals("ConnectException") ? "connection refused" : name;
        }
        return e.getMessage();
    }

    @Override
    public void close() {
        client.close();
    }
}
