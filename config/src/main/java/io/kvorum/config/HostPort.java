package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

/**
 * A network address written {@code host:port}; an IPv6 host is written in brackets ({@code [::1]:9081}).
 * Port 0 means "any free port" and is only meaningful for an address this node binds itself.
 */
public record HostPort(String host, int port) {
    static final int PORT_MAX = 65_535;
    private static final int HOST_CHARS_MAX = 253;
    /** Characters that separate parts of {@code cluster.members} entries, so never part of a host. */
    private static final String HOST_FORBIDDEN = "/@,[]";

    public HostPort {
        if (!isValidHost(host)) {
            throw new ConfigException("host:port: " + (host == null ? "null" : quote(host))
                    + " is not a host name or IP address");
        }
        if (port < 0 || port > PORT_MAX) {
            throw new ConfigException("host:port: port " + port + " is out of range 0.." + PORT_MAX);
        }
    }

    /** Parses {@code host:port} or {@code [ipv6]:port}; the inverse of {@link #toString()}. */
    public static HostPort parse(String text) {
        String trimmed = text.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new ConfigException(quote(text) + " is not host:port");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new ConfigException(quote(text) + " is not host:port (write an IPv6 host in brackets: [::1]:9081)");
        }
        String port = trimmed.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > PORT_MAX) {
            throw new ConfigException(quote(text) + " is not host:port (port " + quote(port) + " is not in 0.." + PORT_MAX + ")");
        }
        return new HostPort(host, Integer.parseInt(port));
    }

    /** Whether {@code host} is usable as a host name or IP address in settings (no spaces, no separators). */
    static boolean isValidHost(String host) {
        if (host == null || host.isEmpty() || host.length() > HOST_CHARS_MAX) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c == 0x7f || HOST_FORBIDDEN.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
