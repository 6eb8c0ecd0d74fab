package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.http.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server TLS for clients (issue 14) on three real nodes, with client authentication on as well:
 * requests over HTTPS with a token work, /cluster/status gathers every member over HTTPS, a plain
 * HTTP request gets no HTTP answer, and a client that does not trust the nodes' certificate (one
 * from elsewhere) fails its handshake.
 */
class HttpTlsIT {
    @TempDir
    static Path dataRoot;

    private static SecuredNodes nodes;
    private static TestCertificates certificates;

    @BeforeAll
    static void startCluster() throws IOException {
        certificates = TestCertificates.create(dataRoot, "node");
        nodes = SecuredNodes.start(dataRoot, 3, List.of(
                "--http.tls.cert-file=" + certificates.cert(), "--http.tls.key-file=" + certificates.key(),
                "--http.auth.tokens-file=" + HttpAuthIT.tokensFile(dataRoot)), certificates.clientContext(), HttpAuthIT.READ);
    }

    @AfterAll
    static void stopCluster() {
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void writesAndReadsOverHttpsWithATokenOnEveryNode() {
        assertEquals(200, nodes.send(0, "PUT", "/kv/secret", "{\"value\": {\"a\": 1}}", HttpAuthIT.READ_WRITE).statusCode());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> read = nodes.send(i, "GET", "/kv/secret", null, HttpAuthIT.READ);
            assertEquals(200, read.statusCode(), read.body());
            assertTrue(read.body().contains("{\"a\": 1}"), read.body());
        }
        assertEquals(401, nodes.send(1, "GET", "/kv/secret", null, null).statusCode(), "TLS does not replace the token");
    }

    @Test
    void clusterStatusAsksEveryMemberOverHttps() {
        HttpResponse<String> status = nodes.send(1, "GET", "/cluster/status", null, HttpAuthIT.ADMIN);
        assertEquals(200, status.statusCode(), status.body());
        assertFalse(status.body().contains("report_error"), "every member reported over HTTPS: " + status.body());
    }

    @Test
    void plainHttpToTheTlsPortGetsNoHttpAnswer() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", nodes.port(0))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(5);
            assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/"),
                    "a plain request was answered in plain HTTP");
        } catch (java.net.SocketException reset) {
            // the node reset the connection: no HTTP answer either
        }
    }

    @Test
    void aClientTrustingAnotherCertificateFailsItsHandshake(@TempDir Path elsewhere) {
        TestCertificates stranger = TestCertificates.create(elsewhere, "stranger");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(stranger.clientContext()).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(nodes.base(0) + "/health")).timeout(Duration.ofSeconds(10)).build();
        IOException failure = assertThrows(IOException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
        assertTrue(failure instanceof SSLHandshakeException || failure.getCause() instanceof SSLHandshakeException
                || String.valueOf(failure.getMessage()).contains("PKIX"), failure.toString());
    }
}
