package io.kvorum.config;

import java.nio.file.Path;

/**
 * Mutual TLS between nodes ({@code internode.tls.*}): this node's PEM certificate and PKCS#8 key, and
 * the cluster CA's certificate that every peer's certificate must chain to.
 */
public record InternodeTls(Path certFile, Path keyFile, Path caFile) {
    public InternodeTls {
        ConfigException.requireSet(certFile, ConfigKeys.INTERNODE_TLS_CERT_FILE.name());
        ConfigException.requireSet(keyFile, ConfigKeys.INTERNODE_TLS_KEY_FILE.name());
        ConfigException.requireSet(caFile, ConfigKeys.INTERNODE_TLS_CA_FILE.name());
    }
}
