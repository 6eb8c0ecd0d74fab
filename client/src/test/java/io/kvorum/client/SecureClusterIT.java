package io.kvorum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.config.ConfigLoader;
import io.kvorum.http.TestCertificates;
import io.kvorum.node.runtime.NodeServer;
import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java client against three real nodes that require HTTPS and a bearer token (issue 14): with the
 * nodes' certificate trusted and a read-write token it discovers the cluster, writes and reads; with
 * a read-only token a write is refused 403; without a token it cannot even discover the cluster.
 */
class SecureClusterIT {
    private static final String READ_WRITE = "client-rw-0123456789abcdef";
    private static final String READ = "client-read-0123456789abcdef";

    @TempDir
    static Path dir;

    private static final List<NodeServer> servers = new ArrayList<>();
    private static String contactPoint;
    private static TestCertificates certificates;

    @BeforeAll
    static void start() throws Exception {
        certificates = TestCertificates.create(dir, "node");
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, READ_WRITE + " read,write\n" + READ + " read\n");
        Files.setPosixFilePermissions(tokens, PosixFilePermissions.fromString("rw-------"));
        int[] http = new int[3];
        int[] internode = new int[3];
        List<ServerSocket> reserved = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            reserved.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            reserved.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            http[i] = reserved.get(2 * i).getLocalPort();
            internode[i] = reserved.get(2 * i + 1).getLocalPort();
        }
        for (ServerSocket socket : reserved) {
            socket.close();
        }
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            members.append(i == 0 ? "" : ",").append("node-").append(i + 1).append("@127.0.0.1:").append(internode[i])
                    .append("/127.0.0.1:").append(http[i]);
        }
        List<Future<NodeServer>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(NodeServer.start(ConfigLoader.load(List.of("--node.id=node-" + (i + 1),
                    "--node.data-dir=" + dir.resolve("node-" + (i + 1)), "--storage.engine=memory",
                    "--http.host=127.0.0.1", "--http.port=" + http[i], "--internode.host=127.0.0.1",
                    "--internode.port=" + internode[i], "--cluster.members=" + members,
                    "--http.tls.cert-file=" + certificates.cert(), "--http.tls.key-file=" + certificates.key(),
                    "--http.auth.tokens-file=" + tokens), Map.of())));
        }
        for (Future<NodeServer> server : starting) {
            servers.add(server.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        }
        contactPoint = "127.0.0.1:" + http[0];
    }

    @AfterAll
    static void stop() throws Exception {
        for (NodeServer server : servers) {
            server.kill().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static KvorumClient client(String token) {
        return KvorumClient.builder().contactPoints(contactPoint).tls(ClientSecurity.trusting(certificates.cert()))
                .bearerToken(token).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void writesAndReadsOverHttpsWithAToken() {
        try (KvorumClient client = client(READ_WRITE)) {
            Awaitility.await("a quorum write once the nodes see each other").atMost(Duration.ofSeconds(30))
                    .ignoreExceptionsInstanceOf(UnavailableException.class)
                    .until(() -> client.put("greeting", "hello", null).context() != null);
            Fetched<String> read = client.get("greeting", String.class);
            assertEquals("hello", read.value());
            // Many requests on pooled TLS connections, from several threads.
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        client.put("k-" + thread + "-" + i, i, null);
                        assertEquals(i, client.get("k-" + thread + "-" + i, Integer.class).value());
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReadOnlyTokenCannotWrite() {
        try (KvorumClient client = client(READ)) {
            InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> client.put("nope", 1, null));
            assertEquals(403, refused.status());
            assertTrue(refused.getMessage().contains("write"), refused.getMessage());
        }
    }

    @Test
    void withoutATokenTheClusterCannotBeDiscovered() {
        assertThrows(NoNodeAvailableException.class, () -> KvorumClient.builder().contactPoints(contactPoint)
                .tls(ClientSecurity.trusting(certificates.cert())).connectTimeout(Duration.ofSeconds(5)).build().close());
    }
}
