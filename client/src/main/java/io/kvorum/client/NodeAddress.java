package io.kvorum.client;

/** A node's HTTP address, {@code host:port}. */
public record NodeAddress(String host, int port) {

    /** Validates the host and port. */
    public NodeAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("a node's host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("a node's port must be 1..65535, got " + port);
        }
    }

    /** Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:8081}). */
    public static NodeAddress parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("a node address is host:port, got '" + text + "'");
        }
        try {
            return new NodeAddress(trimmed.substring(0, colon), Integer.parseInt(trimmed.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a node address is host:port, got '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
