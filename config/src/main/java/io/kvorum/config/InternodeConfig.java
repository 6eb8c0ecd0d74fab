package io.kvorum.config;

import java.time.Duration;

/** Where the node-to-node transport listens, its connect timeout and frame bound ({@code internode.*}). */
public record InternodeConfig(String host, int port, Duration connectTimeout, int frameBytesMax) {
    public InternodeConfig {
        ConfigKeys.INTERNODE_HOST.check(host);
        ConfigKeys.INTERNODE_PORT.check(port);
        ConfigKeys.INTERNODE_CONNECT_TIMEOUT.check(connectTimeout);
        ConfigKeys.INTERNODE_FRAME_BYTES_MAX.check(frameBytesMax);
    }

    /** The address to bind, {@code host:port}. */
    public HostPort address() {
        return new HostPort(host, port);
    }

    /** {@link #connectTimeout()} in milliseconds, the unit the core works in. */
    public long connectTimeoutMillis() {
        return connectTimeout.toMillis();
    }
}
