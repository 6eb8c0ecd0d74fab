package io.kvorum.node.runtime;

import io.kvorum.common.NodeId;
import io.kvorum.config.InternodeTls;
import io.kvorum.node.auth.AuthenticationException;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Internode mutual TLS ({@code internode.tls.*}) for the transport's server and client: both ends
 * present a certificate the cluster CA signed and require one from the other; a peer's certificate
 * must also name (CN) the node id the handshake authenticated.
 */
final class InternodeTlsOptions {
    private InternodeTlsOptions() {}

    static NetServerOptions server(NetServerOptions options, InternodeTls tls) {
        return options.setSsl(true).setKeyCertOptions(keyCert(tls)).setTrustOptions(trust(tls)).setClientAuth(ClientAuth.REQUIRED);
    }

    static NetClientOptions client(NetClientOptions options, InternodeTls tls) {
        // Peers are named by node id, not host name: the certificate's CN is checked against the id
        // the handshake authenticated instead (checkPeer).
        return options.setSsl(true).setKeyCertOptions(keyCert(tls)).setTrustOptions(trust(tls)).setHostnameVerificationAlgorithm("");
    }

    /** The peer's certificate must name {@code peer} (its CN); else the connection is refused. */
    static void checkPeer(NetSocket socket, NodeId peer) {
        SSLSession ssl = socket.sslSession();
        try {
            Certificate[] chain = ssl == null ? new Certificate[0] : ssl.getPeerCertificates();
            String name = chain.length > 0 && chain[0] instanceof X509Certificate x509
                    ? x509.getSubjectX500Principal().getName() : "";
            if (!commonName(name).equals(peer.value())) {
                throw new AuthenticationException("TLS certificate names '" + name + "', but the peer authenticated as " + peer);
            }
        } catch (SSLPeerUnverifiedException e) {
            throw new AuthenticationException("peer presented no TLS certificate");
        }
    }

    private static PemKeyCertOptions keyCert(InternodeTls tls) {
        return new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
    }

    private static PemTrustOptions trust(InternodeTls tls) {
        return new PemTrustOptions().addCertPath(tls.caFile().toString());
    }

    private static String commonName(String distinguishedName) {
        for (String part : distinguishedName.split(",")) {
            String trimmed = part.strip();
            if (trimmed.startsWith("CN=")) {
                return trimmed.substring(3);
            }
        }
        return "";
    }
}
