package io.kvorum.bench.client;

import java.util.ArrayList;
import java.util.List;

/** A node's HTTP address. */
public record Endpoint(String host, int port) {

    /** Validates the port. */
    public Endpoint {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
    }

    /** Parses {@code host:port}. */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("a node is host:port, got '" + text + "'");
        }
        try {
            return new Endpoint(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a node is host:port, got '" + text + "'", e);
        }
    }

    /** Parses a comma-separated list of {@code host:port}. */
    public static List<Endpoint> parseList(String text) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                endpoints.add(parse(part.trim()));
            }
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("--nodes names no node");
        }
        return endpoints;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
