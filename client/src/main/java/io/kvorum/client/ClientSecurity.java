package io.kvorum.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the client reaches nodes that require it: HTTPS with {@code tls} (the nodes' {@code http.tls.*};
 * host names are checked against each node's certificate) and a bearer token for
 * {@code http.auth.tokens-file}. Set on {@link KvorumClientBuilder#tls} and {@link KvorumClientBuilder#bearerToken}.
 *
 * @param tls         the TLS context to connect with, or empty for plain HTTP
 * @param bearerToken sent as {@code Authorization: Bearer <token>} on every request, or empty for none
 */
public record ClientSecurity(Optional<SSLContext> tls, Optional<String> bearerToken) {
    /** Plain HTTP, no token. */
    public static final ClientSecurity NONE = new ClientSecurity(Optional.empty(), Optional.empty());

    /** Checks that the token can be sent as a header (no line breaks or controls). */
    public ClientSecurity {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(bearerToken, "bearerToken");
        bearerToken.ifPresent(token -> {
            if (token.isBlank() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("a bearer token is printable ASCII without spaces");
            }
        });
    }

    /**
     * A TLS context trusting only the PEM certificates in {@code pemFile} (a CA, or the nodes' own
     * self-signed certificate), for {@link KvorumClientBuilder#tls}.
     */
    public static SSLContext trusting(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalArgumentException(pemFile + " holds no PEM certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pemFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(pemFile + " is not usable as trusted certificates: " + e.getMessage(), e);
        }
    }
}
