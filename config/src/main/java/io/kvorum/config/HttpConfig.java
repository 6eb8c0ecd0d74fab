package io.kvorum.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where the client HTTP API listens, how large a value it accepts, the bounds it keeps on slow and
 * numerous clients, and its optional TLS and client authentication ({@code http.*}).
 */
public record HttpConfig(String host, int port, int valueBytesMax, Limits limits, Security security) {
    public HttpConfig {
        ConfigKeys.HTTP_HOST.check(host);
        ConfigKeys.HTTP_PORT.check(port);
        ConfigKeys.HTTP_VALUE_BYTES_MAX.check(valueBytesMax);
        ConfigException.requireSet(limits, "http limits");
        ConfigException.requireSet(security, "http security");
    }

    /** Every bound and security setting at its default (no TLS, no authentication). */
    public HttpConfig(String host, int port, int valueBytesMax) {
        this(host, port, valueBytesMax, Limits.defaults(), Security.NONE);
    }

    /** The address to bind, {@code host:port}. */
    public HostPort address() {
        return new HostPort(host, port);
    }

    /** Deadlines and caps that keep slow or numerous clients from holding a node's connections and memory. */
    public record Limits(Duration headerTimeout, Duration bodyTimeout, int connectionsMax, int requestsInFlightMax) {
        public Limits {
            ConfigKeys.HTTP_HEADER_TIMEOUT.check(headerTimeout);
            ConfigKeys.HTTP_BODY_TIMEOUT.check(bodyTimeout);
            ConfigKeys.HTTP_CONNECTIONS_MAX.check(connectionsMax);
            ConfigKeys.HTTP_REQUESTS_IN_FLIGHT_MAX.check(requestsInFlightMax);
        }

        /** The keys' defaults. */
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(30), 4096, 1024);
        }
    }

    /**
     * Server TLS (both PEM files, or neither) and the bearer-token file; the files are read and checked
     * (their permissions included) when the HTTP API starts, where an error still names the key.
     */
    public record Security(Optional<Path> tlsCertFile, Optional<Path> tlsKeyFile, Optional<Path> tlsCaFile,
                           Optional<Path> tokensFile) {
        /** No TLS, no client authentication. */
        public static final Security NONE = new Security(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        public Security {
            ConfigException.requireSet(tlsCertFile, ConfigKeys.HTTP_TLS_CERT_FILE.name());
            ConfigException.requireSet(tlsKeyFile, ConfigKeys.HTTP_TLS_KEY_FILE.name());
            ConfigException.requireSet(tlsCaFile, ConfigKeys.HTTP_TLS_CA_FILE.name());
            ConfigException.requireSet(tokensFile, ConfigKeys.HTTP_AUTH_TOKENS_FILE.name());
            if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
                String cert = ConfigKeys.HTTP_TLS_CERT_FILE.name();
                String key = ConfigKeys.HTTP_TLS_KEY_FILE.name();
                throw new ConfigException(List.of(tlsCertFile.isPresent() ? key : cert, tlsCertFile.isPresent() ? cert : key),
                        (tlsCertFile.isPresent() ? key + ": must be set too, as " + cert + " is"
                                : cert + ": must be set too, as " + key + " is") + " (TLS needs both the certificate and its key)");
            }
        }

        /** This security with {@code file} as the tokens file. */
        public Security withTokensFile(Path file) {
            return new Security(tlsCertFile, tlsKeyFile, tlsCaFile, Optional.of(file));
        }

        /** This security with TLS from the PEM {@code cert} chain and its {@code key}. */
        public Security withTls(Path cert, Path key) {
            return new Security(Optional.of(cert), Optional.of(key), tlsCaFile, tokensFile);
        }

        /** Whether clients must speak TLS. */
        public boolean tls() {
            return tlsCertFile.isPresent();
        }
    }
}
