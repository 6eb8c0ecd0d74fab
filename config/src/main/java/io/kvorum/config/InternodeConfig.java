package io.kvorum.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The node-to-node transport ({@code internode.*}): where it listens, its timeouts and bounds, and
 * its security: the cluster secret that every connection must prove (absent only on loopback, where
 * the node runs unauthenticated with a warning) and optional mutual TLS.
 */
public record InternodeConfig(String host, int port, Duration connectTimeout, int frameBytesMax, Duration idleTimeout,
                              Duration handshakeTimeout, int sendQueueBytesMax, Optional<ClusterSecret> secret,
                              Optional<InternodeTls> tls) {
    public InternodeConfig {
        ConfigKeys.INTERNODE_HOST.check(host);
        ConfigKeys.INTERNODE_PORT.check(port);
        ConfigKeys.INTERNODE_CONNECT_TIMEOUT.check(connectTimeout);
        ConfigKeys.INTERNODE_FRAME_BYTES_MAX.check(frameBytesMax);
        ConfigKeys.INTERNODE_IDLE_TIMEOUT.check(idleTimeout);
        ConfigKeys.INTERNODE_HANDSHAKE_TIMEOUT.check(handshakeTimeout);
        ConfigKeys.INTERNODE_SEND_QUEUE_BYTES_MAX.check(sendQueueBytesMax);
        ConfigException.requireSet(secret, ConfigKeys.INTERNODE_SECRET_FILE.name());
        ConfigException.requireSet(tls, ConfigKeys.INTERNODE_TLS_CERT_FILE.name());
        if (secret.isEmpty() && !isLoopback(host)) {
            String secretKey = ConfigKeys.INTERNODE_SECRET_FILE.name();
            throw new ConfigException(List.of(secretKey, ConfigKeys.INTERNODE_HOST.name()), secretKey
                    + ": must be set: internode.host " + ConfigException.quote(host) + " is not a loopback address, and a node"
                    + " reachable from other machines never runs without internode authentication (make a secret with:"
                    + " head -c 64 /dev/urandom > FILE; chmod 600 FILE, and give every node the same one)");
        }
    }

    /** The transport with default timeouts and bounds, no secret and no TLS (loopback only: tests). */
    public InternodeConfig(String host, int port, Duration connectTimeout, int frameBytesMax) {
        this(host, port, connectTimeout, frameBytesMax, Duration.ofMinutes(2), Duration.ofSeconds(5), (int) (64 * Units.MIB),
                Optional.empty(), Optional.empty());
    }

    /** This configuration with {@code secret} as the cluster secret. */
    public InternodeConfig withSecret(ClusterSecret secret) {
        return new InternodeConfig(host, port, connectTimeout, frameBytesMax, idleTimeout, handshakeTimeout, sendQueueBytesMax,
                Optional.of(secret), tls);
    }

    /** The address to bind, {@code host:port}. */
    public HostPort address() {
        return new HostPort(host, port);
    }

    /** {@link #connectTimeout()} in milliseconds, the unit the core works in. */
    public long connectTimeoutMillis() {
        return connectTimeout.toMillis();
    }

    /**
     * Whether {@code host} can only be reached from this machine: {@code localhost} or a loopback IP
     * literal. Other names are not resolved (what they resolve to may change): they count as reachable.
     */
    public static boolean isLoopback(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        boolean literal = h.matches("[0-9.]+") || h.contains(":");
        if (!literal) {
            return false;
        }
        try {
            // An IP literal: getByName parses it without any name lookup.
            return InetAddress.getByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
