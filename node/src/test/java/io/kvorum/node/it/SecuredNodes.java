package io.kvorum.node.it;

import io.kvorum.config.ConfigLoader;
import io.kvorum.node.runtime.NodeServer;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.awaitility.Awaitility;

/**
 * Real nodes in this JVM (as {@link TestCluster} starts them) for the HTTP security tests: the nodes
 * may require TLS and bearer tokens, so this starter waits for them over HTTPS and with a token
 * where {@link TestCluster}, which speaks plain unauthenticated HTTP, could not. Also answers
 * requests through a {@link java.net.http.HttpClient} that trusts the nodes' certificate.
 */
final class SecuredNodes implements AutoCloseable {
    private final int[] httpPorts;
    private final NodeServer[] servers;
    private final HttpClient http;
    private final String scheme;

    private SecuredNodes(int[] httpPorts, HttpClient http, String scheme) {
        this.httpPorts = httpPorts;
        this.servers = new NodeServer[httpPorts.length];
        this.http = http;
        this.scheme = scheme;
    }

    /**
     * Starts {@code size} nodes (N = min(3, size)) with {@code extraFlags}; {@code tls} null means plain
     * HTTP. Returns once every node lists all as up, asked with {@code readToken} (null: no token).
     */
    static SecuredNodes start(Path dataRoot, int size, List<String> extraFlags, SSLContext tls, String readToken) {
        int[] httpPorts = new int[size];
        int[] internodePorts = new int[size];
        TestCluster.reservePorts(httpPorts, internodePorts);
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < size; i++) {
            members.append(i == 0 ? "" : ",").append(TestCluster.id(i)).append("@127.0.0.1:").append(internodePorts[i])
                    .append("/127.0.0.1:").append(httpPorts[i]);
        }
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            builder.sslContext(tls);
        }
        SecuredNodes nodes = new SecuredNodes(httpPorts, builder.build(), tls == null ? "http" : "https");
        int n = Math.min(3, size);
        List<Future<NodeServer>> starting = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> flags = new ArrayList<>(List.of("--node.id=" + TestCluster.id(i),
                    "--node.data-dir=" + dataRoot.resolve(TestCluster.id(i)), "--storage.engine=memory",
                    "--http.host=127.0.0.1", "--http.port=" + httpPorts[i],
                    "--internode.host=127.0.0.1", "--internode.port=" + internodePorts[i],
                    "--cluster.members=" + members, "--quorum.n=" + n, "--quorum.r=" + (n / 2 + 1), "--quorum.w=" + (n / 2 + 1)));
            flags.addAll(extraFlags);
            starting.add(NodeServer.start(ConfigLoader.load(flags, Map.of())));
        }
        try {
            for (int i = 0; i < size; i++) {
                nodes.servers[i] = TestCluster.await(starting.get(i), "start " + TestCluster.id(i));
            }
            Awaitility.await("every node sees every node up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> nodes.everyoneUp(readToken));
        } catch (RuntimeException | Error e) {
            nodes.close();
            throw e;
        }
        return nodes;
    }

    private boolean everyoneUp(String token) {
        for (int i = 0; i < servers.length; i++) {
            HttpResponse<String> members = send(i, "GET", "/cluster/members", null, token);
            if (members.statusCode() != 200 || countUp(members.body()) != servers.length) {
                return false;
            }
        }
        return true;
    }

    private static int countUp(String membersJson) {
        return membersJson.split("\"status\":\"up\"", -1).length - 1;
    }

    int port(int i) {
        return httpPorts[i];
    }

    URI base(int i) {
        return URI.create(scheme + "://127.0.0.1:" + httpPorts[i]);
    }

    /** One request; {@code body} null sends none, {@code token} null sends no Authorization header. */
    HttpResponse<String> send(int node, String method, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(node) + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null) {
                TestCluster.await(servers[i].kill(), "kill " + TestCluster.id(i));
                servers[i] = null;
            }
        }
    }
}
