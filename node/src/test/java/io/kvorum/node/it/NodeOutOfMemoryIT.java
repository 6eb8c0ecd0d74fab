package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No zombies: a node started by {@code scripts/kvorum} (so with its default JVM options) that runs
 * out of memory on a request exits at once, with the reason in its output, instead of living on
 * with a dead event loop. A 64 MiB heap and 60 MB values make that happen on the first few requests.
 */
class NodeOutOfMemoryIT {
    private static final int VALUE_CHARS = 60 * 1024 * 1024;

    @Test
    void aNodeThatRunsOutOfMemoryExitsInsteadOfServingNothing(@TempDir Path temp) throws IOException {
        ScriptRunner runner = ScriptRunner.create(temp, 1, Map.of(
                "KVORUM_JAVA_OPTS", "-Xmx64m -XX:+UseSerialGC",
                "KVORUM_HTTP_VALUE_BYTES_MAX", "64MiB",
                "KVORUM_INTERNODE_FRAME_BYTES_MAX", "257MiB"));
        ScriptRunner.Result up = runner.run(Duration.ofSeconds(90), "up", "--nodes", "1");
        try {
            assertEquals(0, up.exit(), up::output);
            URI put = runner.bases(1).get(0).resolve("/kv/huge");
            byte[] body = hugeBody();
            long pid = Long.parseLong(Files.readString(temp.resolve("data/node-1/pid")).trim());
            runner.withLogsOnFailure(() -> Awaitility.await("node-1 (pid " + pid + ") exits after running out of memory")
                    .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        send(put, body);
                        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE;
                    }));
            Path stdout = temp.resolve("data/node-1/stdout.log");
            String output = Files.readString(stdout);
            assertTrue(output.contains("java.lang.OutOfMemoryError"), "the node exited without saying why:\n" + output);
        } finally {
            runner.run(Duration.ofSeconds(60), "down");
        }
    }

    /** Sends one huge PUT; its answer does not matter, only whether the node survives it. */
    private static void send(URI put, byte[] body) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            client.send(HttpRequest.newBuilder(put).timeout(Duration.ofSeconds(20))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // the connection dropped as the node died, or it no longer accepts any
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hugeBody() {
        byte[] body = new byte[VALUE_CHARS + 16];
        Arrays.fill(body, (byte) 'x');
        byte[] head = "{\"value\":\"".getBytes();
        System.arraycopy(head, 0, body, 0, head.length);
        int end = VALUE_CHARS;
        body[end] = '"';
        body[end + 1] = '}';
        return Arrays.copyOf(body, end + 2);
    }
}
