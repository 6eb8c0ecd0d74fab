package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.NodeId;
import io.kvorum.config.ClusterSecret;
import io.kvorum.node.auth.Handshake;
import io.kvorum.node.auth.PreAuthReader;
import io.kvorum.node.it.ApiClient.Answer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Internode mutual TLS on real connections: three nodes with certificates from one cluster CA (made
 * with openssl, as {@code scripts/kvorum certs} makes them) serve reads and writes; a peer whose
 * certificate another CA signed is refused during the TLS handshake even though it holds the cluster
 * secret, and a peer without TLS is cut off; a peer with a certificate from the cluster CA gets as
 * far as the challenge (the control that shows the refusals are the certificate's doing).
 */
class InternodeTlsIT {
    private static final long SEED = 1415L;

    @TempDir
    static Path dir;
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Assumptions.assumeTrue(openssl("version") == 0, "skipped: openssl is not installed (needed to make test certificates)");
        makeCa("ca");
        makeCa("rogue-ca");
        for (int i = 0; i < 3; i++) {
            makeCert("ca", TestCluster.id(i));
        }
        makeCert("rogue-ca", "node-2-rogue");
        cluster = TestCluster.start(dir.resolve("data"), 3, i -> List.of(
                "--internode.tls.cert-file=" + dir.resolve(TestCluster.id(i) + ".pem"),
                "--internode.tls.key-file=" + dir.resolve(TestCluster.id(i) + ".key"),
                "--internode.tls.ca-file=" + dir.resolve("ca.pem")));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aTlsClusterServesReadsAndWritesAcrossNodes() {
        Answer written = new ApiClient(cluster.base(0)).putValue("over-tls", "\"encrypted in transit\"");
        assertEquals(200, written.status(), written.toString());
        Answer read = new ApiClient(cluster.base(2)).get("over-tls", "r=all");
        assertEquals(200, read.status(), read.toString());
        assertEquals("encrypted in transit", read.json().path("values").get(0).asText());
    }

    @Test
    void aPeerWithACertificateFromAnotherCaIsRefusedEvenWithTheSecret() throws Exception {
        assertEquals(Optional.empty(), challengeOver(tlsSocket("node-2-rogue", "rogue-ca")),
                "a certificate from another CA got a challenge");
    }

    @Test
    void aPeerWithACertificateFromTheClusterCaGetsTheChallenge() throws Exception {
        assertTrue(challengeOver(tlsSocket("node-2", "ca")).isPresent(), "the control connection was refused");
    }

    @Test
    void aPeerWithoutTlsIsCutOff() throws Exception {
        Socket plain = new Socket(TestCluster.HOST, cluster.internodePort(0));
        plain.setSoTimeout(10_000);
        assertEquals(Optional.empty(), challengeOver(plain), "a plaintext peer got a challenge");
    }

    /** Sends a hello with the real secret over {@code socket}; the challenge, or empty when the node closed or failed the connection. */
    private static Optional<byte[]> challengeOver(Socket socket) throws IOException {
        ClusterSecret secret = ClusterSecret.read(dir.resolve("data").resolve("cluster.secret"));
        byte[] nonce = new byte[32];
        new SplittableRandom(SEED).nextBytes(nonce);
        Handshake.Dialer dialer = new Handshake(Optional.of(secret), "kvorum").dialer(NodeId.of("node-2"), NodeId.of("node-1"), nonce);
        try (socket) {
            socket.getOutputStream().write(dialer.hello());
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            PreAuthReader reader = new PreAuthReader();
            List<byte[]> messages = new ArrayList<>();
            while (messages.isEmpty()) {
                int b = in.read();
                if (b == -1) {
                    return Optional.empty();
                }
                messages.addAll(reader.feed(new byte[] {(byte) b}, 1).messages());
            }
            dialer.onChallenge(messages.get(0)); // throws unless node-1 proved the secret
            return Optional.of(messages.get(0));
        } catch (javax.net.ssl.SSLException | java.net.SocketException refused) {
            return Optional.empty();
        }
    }

    /** A TLS connection to node-1 presenting {@code name}'s certificate (signed by {@code ca}); it trusts any server. */
    private static Socket tlsSocket(String name, String ca) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(name + ".pem"))));
        X509Certificate caCert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve(ca + ".pem"))));
        keys.setKeyEntry("peer", privateKey(dir.resolve(name + ".key")), new char[0], new Certificate[] {cert, caCert});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), new TrustManager[] {new TrustEveryServer()}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(TestCluster.HOST, cluster.internodePort(0));
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static PrivateKey privateKey(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (!text.contains("BEGIN PRIVATE KEY")) {
            fail("expected a PKCS#8 key in " + pem);
        }
        String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** The outsider does not care whom it talks to; the test is whether the node accepts it. */
    private static final class TrustEveryServer implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    private static void makeCa(String name) throws Exception {
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".pem").toString(), "-days", "2", "-subj", "/CN=" + name);
    }

    private static void makeCert(String ca, String name) throws Exception {
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve(name + ".key").toString(),
                "-out", dir.resolve(name + ".csr").toString(), "-subj", "/CN=" + name.replace("-rogue", ""));
        run("x509", "-req", "-in", dir.resolve(name + ".csr").toString(), "-CA", dir.resolve(ca + ".pem").toString(),
                "-CAkey", dir.resolve(ca + ".key").toString(), "-CAcreateserial", "-days", "2",
                "-out", dir.resolve(name + ".pem").toString());
    }

    private static void run(String... args) throws Exception {
        int exit = openssl(args);
        assertEquals(0, exit, "openssl " + String.join(" ", args));
    }

    private static int openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
