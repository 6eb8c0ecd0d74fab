package io.kvorum.node.it;

import io.kvorum.config.ConfigLoader;
import io.kvorum.config.KvorumConfig;
import io.kvorum.node.runtime.NodeServer;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * K nodes in this JVM, each a real {@link NodeServer} with its own Vert.x, on 127.0.0.1 with ports
 * reserved up front (the member list needs them) and data in {@code dataRoot/node-i}. Node {@code i}
 * (0-based) is {@code node-(i+1)}. A node can be killed, stopped and restarted on the same ports and
 * data directory.
 */
final class TestCluster implements Cluster {
    static final String HOST = "127.0.0.1";
    private static final long WAIT_SECONDS = 30;

    private final List<List<String>> flags = new ArrayList<>();
    private final int[] httpPorts;
    private final int[] internodePorts;
    private final NodeServer[] servers;

    private TestCluster(int[] httpPorts, int[] internodePorts, List<List<String>> flags) {
        this.httpPorts = httpPorts;
        this.internodePorts = internodePorts;
        this.flags.addAll(flags);
        this.servers = new NodeServer[httpPorts.length];
    }

    /**
     * Starts {@code size} nodes with N=3 R=2 W=2 and {@code extraFlags} (e.g.
     * {@code --quorum.request-timeout=1s}); {@code notStarted} nodes are listed as members but left
     * for the caller (their ports stay reserved until then).
     */
    static TestCluster start(Path dataRoot, int size, List<String> extraFlags, int... notStarted) {
        return start(dataRoot, size, i -> extraFlags, notStarted);
    }

    /** As {@link #start(Path, int, List, int...)}, with flags that differ per node (certificates, say). */
    static TestCluster start(Path dataRoot, int size, java.util.function.IntFunction<List<String>> extraFlags, int... notStarted) {
        int[] http = new int[size];
        int[] internode = new int[size];
        reservePorts(http, internode);
        Path secret = writeSecret(dataRoot);
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < size; i++) {
            members.append(i == 0 ? "" : ",").append(id(i)).append('@').append(HOST).append(':').append(internode[i])
                    .append('/').append(HOST).append(':').append(http[i]);
        }
        List<List<String>> flags = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            List<String> nodeFlags = new ArrayList<>(List.of(
                    "--node.id=" + id(i),
                    "--node.data-dir=" + dataRoot.resolve(id(i)),
                    "--http.host=" + HOST,
                    "--http.port=" + http[i],
                    "--internode.host=" + HOST,
                    "--internode.port=" + internode[i],
                    "--cluster.members=" + members,
                    "--internode.secret-file=" + secret,
                    "--quorum.n=3", "--quorum.r=2", "--quorum.w=2"));
            nodeFlags.addAll(extraFlags.apply(i));
            flags.add(nodeFlags);
        }
        TestCluster cluster = new TestCluster(http, internode, flags);
        List<Future<NodeServer>> starting = new ArrayList<>();
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (!contains(notStarted, i)) {
                starting.add(NodeServer.start(cluster.config(i)));
                started.add(i);
            }
        }
        try {
            for (int j = 0; j < starting.size(); j++) {
                cluster.servers[started.get(j)] = await(starting.get(j), "start " + id(started.get(j)));
            }
            cluster.awaitEveryoneSeesUp(started);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * The cluster's secret, as {@code scripts/kvorum up} makes one: 64 random bytes in an owner-only
     * file. Every test cluster runs with internode authentication on, as real ones do.
     */
    static Path writeSecret(Path dataRoot) {
        Path file = dataRoot.resolve("cluster.secret");
        try {
            java.nio.file.Files.createDirectories(dataRoot);
            if (!java.nio.file.Files.exists(file)) {
                byte[] bytes = new byte[64];
                new java.security.SecureRandom().nextBytes(bytes);
                java.nio.file.Files.write(file, bytes);
                java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Waits until gossip has spread: every node in {@code indices} lists all of them as up. */
    void awaitEveryoneSeesUp(List<Integer> indices) {
        org.awaitility.Awaitility.await("gossip convergence").atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> indices.stream().allMatch(i -> seesUp(i, indices)));
    }

    private boolean seesUp(int observer, List<Integer> indices) {
        ApiClient.Answer answer = new ApiClient(base(observer)).get(ApiClient.raw("/cluster/members"));
        if (answer.status() != 200) {
            return false;
        }
        java.util.Set<String> up = new java.util.HashSet<>();
        answer.json().path("members").forEach(m -> {
            if (m.path("status").asText().equals("up")) {
                up.add(m.path("id").asText());
            }
        });
        return indices.stream().allMatch(i -> up.contains(id(i)));
    }

    /** node-1, node-2, ... for 0, 1, ... */
    static String id(int i) {
        return "node-" + (i + 1);
    }

    KvorumConfig config(int i) {
        return ConfigLoader.load(flags.get(i), Map.of());
    }

    @Override
    public int size() {
        return servers.length;
    }

    @Override
    public URI base(int i) {
        return URI.create("http://" + HOST + ":" + httpPorts[i]);
    }

    int internodePort(int i) {
        return internodePorts[i];
    }

    /** Abrupt: closes the node's Vert.x without draining, as a crash looks to its peers. */
    void kill(int i) {
        NodeServer server = servers[i];
        servers[i] = null;
        await(server.kill(), "kill " + id(i));
    }

    /** Graceful stop; returns at once with the stop in progress (see {@link NodeServer#stop()}). */
    Future<Void> stopAsync(int i) {
        NodeServer server = servers[i];
        servers[i] = null;
        return server.stop();
    }

    void stop(int i) {
        await(stopAsync(i), "stop " + id(i));
    }

    /** Starts a node that is not running, on its ports and data directory (the memory engine comes back empty). */
    void restart(int i) {
        if (servers[i] != null) {
            throw new IllegalStateException(id(i) + " is running");
        }
        servers[i] = await(NodeServer.start(config(i)), "restart " + id(i));
        List<Integer> running = new ArrayList<>();
        for (int j = 0; j < servers.length; j++) {
            if (servers[j] != null) {
                running.add(j);
            }
        }
        awaitEveryoneSeesUp(running);
    }

    boolean running(int i) {
        return servers[i] != null;
    }

    @Override
    public void close() {
        List<Future<Void>> stopping = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            if (servers[i] != null) {
                stopping.add(servers[i].kill());
                servers[i] = null;
            }
        }
        stopping.forEach(f -> await(f, "close"));
    }

    static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + WAIT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " interrupted", e);
        }
    }

    /** Distinct free ports: all sockets are open at once, so no two reservations collide. */
    static void reservePorts(int[]... into) {
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
                    // closing a listening socket that never accepted cannot lose anything
                }
            }
        }
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
