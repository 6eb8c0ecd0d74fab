package io.kvorum.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvorum.config.ConfigLoader;
import io.kvorum.node.runtime.NodeServer;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Real Kvorum nodes in this JVM, as node's {@code TestCluster} starts them: each a {@link NodeServer}
 * on 127.0.0.1 with ports reserved up front, N=3 R=2 W=2, data under {@code dataRoot}. Node {@code i}
 * is {@code node-(i+1)}. Requests of the tests' own (not the client's) go through java.net.http.
 */
final class LocalCluster implements AutoCloseable {
    private final int[] httpPorts;
    private final List<List<String>> flags = new ArrayList<>();
    private final NodeServer[] servers;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalCluster(int[] httpPorts, List<List<String>> flags) {
        this.httpPorts = httpPorts;
        this.flags.addAll(flags);
        this.servers = new NodeServer[httpPorts.length];
    }

    static LocalCluster start(Path dataRoot, int size, String... extraFlags) {
        int[] httpPorts = new int[size];
        int[] internodePorts = new int[size];
        reservePorts(httpPorts, internodePorts);
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < size; i++) {
            members.append(i == 0 ? "" : ",").append(id(i)).append("@127.0.0.1:").append(internodePorts[i])
                    .append("/127.0.0.1:").append(httpPorts[i]);
        }
        List<List<String>> flags = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> nodeFlags = new ArrayList<>(List.of("--node.id=" + id(i), "--node.data-dir=" + dataRoot.resolve(id(i)),
                    "--http.host=127.0.0.1", "--http.port=" + httpPorts[i], "--internode.host=127.0.0.1",
                    "--internode.port=" + internodePorts[i], "--cluster.members=" + members,
                    "--quorum.n=3", "--quorum.r=2", "--quorum.w=2"));
            nodeFlags.addAll(List.of(extraFlags));
            flags.add(nodeFlags);
        }
        LocalCluster cluster = new LocalCluster(httpPorts, flags);
        try {
            List<Future<NodeServer>> starting = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                starting.add(NodeServer.start(ConfigLoader.load(flags.get(i), Map.of())));
            }
            for (int i = 0; i < size; i++) {
                cluster.servers[i] = await(starting.get(i));
            }
            cluster.awaitAllUp();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    static String id(int i) {
        return "node-" + (i + 1);
    }

    String address(int i) {
        return "127.0.0.1:" + httpPorts[i];
    }

    int size() {
        return servers.length;
    }

    /** Abrupt: as a crash looks to peers and clients (connections refused from now on). */
    void kill(int i) {
        NodeServer server = servers[i];
        servers[i] = null;
        await(server.kill());
    }

    /** Starts a killed node again on its ports and data, and waits until every running node sees every other up. */
    void restart(int i) {
        servers[i] = await(NodeServer.start(ConfigLoader.load(flags.get(i), Map.of())));
        awaitAllUp();
    }

    /** A GET of {@code path} on node {@code i}: status and body. */
    HttpResponse<String> get(int i, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address(i) + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every running node lists every running node as up. */
    void awaitAllUp() {
        Awaitility.await("gossip convergence").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (int i = 0; i < servers.length; i++) {
                if (servers[i] == null) {
                    continue;
                }
                Set<String> up = new HashSet<>();
                for (JsonNode member : JSON.readTree(get(i, "/cluster/members").body()).path("members")) {
                    if (member.path("status").asText().equals("up")) {
                        up.add(member.path("id").asText() + "@" + member.path("http").asText());
                    }
                }
                for (int j = 0; j < servers.length; j++) {
                    if (servers[j] != null && !up.contains(id(j) + "@" + address(j))) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    @Override
    public void close() {
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null) {
                await(servers[i].kill());
                servers[i] = null;
            }
        }
        http.close();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("a node did not start or stop: " + e, e);
        }
    }

    private static void reservePorts(int[]... into) {
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int[] ports : into) {
                for (int i = 0; i < ports.length; i++) {
                    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                    open.add(socket);
                    ports[i] = socket.getLocalPort();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : open) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // a listening socket that never accepted: nothing to lose
                }
            }
        }
    }
}
