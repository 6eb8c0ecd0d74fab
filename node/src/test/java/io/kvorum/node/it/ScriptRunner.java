package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the user's entry point, {@code scripts/kvorum}, for integration tests: its own data folder,
 * free port ranges, the built jar (no rebuild), and a timeout on every call.
 */
final class ScriptRunner {
    /** What a script call printed (stdout and stderr together) and how it exited. */
    record Result(int exit, String output) {}

    private final Path root;
    private final Path temp;
    private final Path data;
    private final int httpBase;
    private final int internodeBase;
    private final Map<String, String> extraEnv;

    private ScriptRunner(Path root, Path temp, int httpBase, int internodeBase, Map<String, String> extraEnv) {
        this.root = root;
        this.temp = temp;
        this.data = temp.resolve("data");
        this.httpBase = httpBase;
        this.internodeBase = internodeBase;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /** A runner in {@code temp} with room for {@code maxNodes} nodes on free ports; {@code extraEnv} goes to every call. */
    static ScriptRunner create(Path temp, int maxNodes, Map<String, String> extraEnv) {
        Path root = repositoryRoot();
        Path jar = root.resolve("node/target/kvorum-node.jar");
        assertTrue(Files.isRegularFile(jar) && Files.isDirectory(root.resolve("node/target/lib")),
                jar + " and node/target/lib are missing: run this test through 'mvn verify', which packages first");
        for (int attempt = 0; attempt < 100; attempt++) {
            int http = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            int internode = http + 1000;
            if (free(http, maxNodes) && free(internode, maxNodes)) {
                return new ScriptRunner(root, temp, http, internode, extraEnv);
            }
        }
        return fail("no free port range found");
    }

    int httpBase() {
        return httpBase;
    }

    /** The HTTP base URLs of node-1..node-{@code count}. */
    List<URI> bases(int count) {
        List<URI> bases = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            bases.add(URI.create("http://127.0.0.1:" + (httpBase + i)));
        }
        return bases;
    }

    /** Runs {@code scripts/kvorum args...}; fails the test if it outlives {@code timeout}. */
    Result run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/kvorum").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("KVORUM_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KVORUM_DATA", data.toString());
        env.put("KVORUM_HTTP_BASE_PORT", Integer.toString(httpBase));
        env.put("KVORUM_INTERNODE_BASE_PORT", Integer.toString(internodeBase));
        env.put("KVORUM_NO_BUILD", "1"); // failsafe runs after package: the jar is this build's
        env.put("KVORUM_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        env.put("KVORUM_UP_TIMEOUT", "60");
        env.put("KVORUM_STOP_TIMEOUT", "20");
        env.putAll(extraEnv);
        Path output = temp.resolve("script-" + String.join("-", args) + "-" + System.nanoTime() + ".log");
        builder.redirectOutput(output.toFile());
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("scripts/kvorum " + String.join(" ", args) + " did not finish within " + timeout.toSeconds() + " s:\n"
                        + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What node {@code id} has written to its node.log so far ("" before it has one). */
    String nodeLog(String id) {
        Path file = data.resolve(id).resolve("node.log");
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of every node's log and output, to attach to a failure. */
    String nodeLogTails() {
        StringBuilder tails = new StringBuilder();
        try (var dirs = Files.list(data)) {
            for (Path dir : dirs.sorted().toList()) {
                for (String name : List.of("node.log", "stdout.log")) {
                    Path file = dir.resolve(name);
                    if (Files.isRegularFile(file)) {
                        List<String> lines = Files.readAllLines(file);
                        tails.append("\n--- ").append(file).append(" ---\n")
                                .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
                    }
                }
            }
        } catch (IOException e) {
            tails.append("\n(cannot read node logs: ").append(e.getMessage()).append(')');
        }
        return tails.toString();
    }

    /** Runs {@code check}; if it fails, the failure carries the nodes' log tails. */
    void withLogsOnFailure(Runnable check) {
        try {
            check.run();
        } catch (AssertionError | RuntimeException e) { // Awaitility's timeout is a RuntimeException
            throw new AssertionError(e.getMessage() + "\nnode logs:" + nodeLogTails(), e);
        }
    }

    /** The repository root: the first folder up from the working directory (node/ under failsafe) with scripts/kvorum. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/kvorum"))) {
                return dir;
            }
        }
        return fail("no scripts/kvorum above " + Path.of("").toAbsolutePath());
    }

    private static boolean free(int base, int count) {
        for (int i = 1; i <= count; i++) {
            try (ServerSocket socket = new ServerSocket(base + i, 50, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(false);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
