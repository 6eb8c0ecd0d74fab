package io.kvorum.config;

/** Where the client HTTP API listens and how large a value it accepts ({@code http.*}). */
public record HttpConfig(String host, int port, int valueBytesMax) {
    public HttpConfig {
        ConfigKeys.HTTP_HOST.check(host);
        ConfigKeys.HTTP_PORT.check(port);
        ConfigKeys.HTTP_VALUE_BYTES_MAX.check(valueBytesMax);
    }

    /** The address to bind, {@code host:port}. */
    public HostPort address() {
        return new HostPort(host, port);
    }
}
