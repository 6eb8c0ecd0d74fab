package io.kvorum.node.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvorum.admin.AdminMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kvorum admin} against a real three-node cluster: every verb in table and JSON form, the
 * exit codes (0 healthy, 1 unhealthy or unreachable, 2 usage), and what it shows once a node is
 * killed and the others keep hints for it.
 */
class AdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataRoot;

    private TestCluster cluster;

    /** One run of the tool: its exit status and what it printed. */
    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyVerbAgainstAHealthyClusterThenOneWithANodeDown() {
        cluster = TestCluster.start(dataRoot, 3, List.of("--anti-entropy.interval=500ms"));
        healthyClusterViews();
        keyVerbs();
        usageAndUnreachable();

        cluster.kill(2);
        for (int i = 0; i < 20; i++) {
            assertEquals(0, admin("put", "while-down-" + i, "1").exit()); // w=2 of 3: the writes for node-3 become hints
        }
        // At once node-3 cannot report its figures (exit 1 already); soon the failure detector marks it down.
        Run unreachable = admin("status");
        assertEquals(AdminMain.UNHEALTHY, unreachable.exit(), unreachable::toString);
        assertTrue(unreachable.out().lines().anyMatch(line -> line.matches("node-3\\s+(up|down)\\s+.*\\?.*")), unreachable::toString);
        await("node-3 seen down").atMost(WAIT).until(() -> admin("status").out().contains("UNHEALTHY: node-3 is down"));
        assertEquals(AdminMain.UNHEALTHY, admin("status").exit());
        JsonNode json = admin("status", "--json").json();
        assertFalse(json.get("healthy").asBoolean());
        assertEquals("node-3 is down", json.get("problems").get(0).asText());

        Run hints = admin("hints");
        assertEquals(AdminMain.UNHEALTHY, hints.exit(), hints::toString);
        assertTrue(hints.out().lines().anyMatch(line -> line.matches("node-[12]\\s+node-3\\s+[1-9][0-9]*")), hints::toString);
        assertEquals(AdminMain.UNHEALTHY, admin("members").exit());
    }

    private void healthyClusterViews() {
        for (String path : List.of("/ui", "/ui/")) { // the dashboard ships in the node's jar
            ApiClient.Answer page = cluster.client(1).get(ApiClient.raw(path));
            assertEquals(200, page.status(), path);
            assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElse(""), path);
            assertTrue(page.body().contains("<title>Kvorum</title>"), path);
        }
        Run status = admin("status");
        assertEquals(AdminMain.OK, status.exit(), status::toString);
        List<String> lines = status.out().lines().toList();
        assertTrue(lines.get(0).matches("ID\\s+STATUS\\s+PHI\\s+SHARE\\s+KEYS\\s+HINTS\\s+AAE-AGE\\s+HTTP\\s+INTERNODE"), status::toString);
        for (int i = 0; i < 3; i++) {
            String row = "node-" + (i + 1) + "\\s+up\\s+\\S+\\s+\\d+\\.\\d%\\s+\\d+\\s+0\\s+\\S+\\s+" + cluster.base(i).getAuthority()
                    + "\\s+127\\.0\\.0\\.1:" + cluster.internodePort(i);
            assertTrue(lines.stream().anyMatch(line -> line.matches(row)), row + " in\n" + status);
        }
        JsonNode json = admin("status", "--json").json();
        assertTrue(json.get("healthy").asBoolean());
        assertEquals(3, json.get("members").size());
        json.get("members").forEach(member -> assertTrue(member.get("report").has("keys"), member::toString));

        Run ring = admin("ring");
        assertEquals(AdminMain.OK, ring.exit());
        assertEquals(3, ring.out().lines().filter(line -> line.matches("node-\\d\\s+\\d+\\.\\d%")).count(), ring::toString);
        Run members = admin("members", "--node", cluster.base(1).getAuthority());
        assertEquals(AdminMain.OK, members.exit());
        assertTrue(members.out().contains("as seen by node-2"), members::toString);
        Run transfers = admin("transfers");
        assertEquals(AdminMain.OK, transfers.exit());
        assertEquals("No transfers active.\n", transfers.out());
        assertEquals(0, admin("transfers", "--json").json().get("transfers").size());

        // Anti-entropy every 500 ms: every node soon reports its peers' ranges as found in sync.
        await("anti-entropy in sync").atMost(WAIT).until(() -> {
            Run aae = admin("aae");
            return aae.exit() == AdminMain.OK
                    && aae.out().lines().filter(line -> line.matches("node-\\d\\s+node-\\d\\s+.+\\s+\\S+ ago")).count() >= 3;
        });
    }

    private void keyVerbs() {
        Run put = admin("put", "cart", "[\"milk\"]");
        assertEquals(AdminMain.OK, put.exit(), put::toString);
        assertTrue(put.out().startsWith("stored cart on node-"), put::toString);
        assertEquals(AdminMain.OK, admin("put", "cart", "[\"eggs\"]", "--node", cluster.base(1).getAuthority()).exit());

        Run get = admin("get", "cart", "--r", "all");
        assertEquals(AdminMain.OK, get.exit(), get::toString);
        assertTrue(get.out().contains("cart: 2 siblings"), get::toString);
        assertTrue(get.out().contains("[1] [\"") && get.out().contains("[2] [\""), get::toString);
        assertTrue(get.out().lines().anyMatch(line -> line.matches("\\s+ACTOR\\s+EPOCH\\s+COUNTER\\s+LAST WRITE")), get::toString);
        JsonNode read = admin("get", "cart", "--json").json();
        assertTrue(read.get("found").asBoolean());
        assertEquals(2, read.get("values").size());
        assertTrue(read.at("/decoded_context/versions").size() >= 1, read::toString);

        // Resolve with the context, then delete: the key reads as deleted.
        String context = read.get("context").asText();
        assertEquals(AdminMain.OK, admin("put", "cart", "[\"milk\",\"eggs\"]", "--context", context, "--w", "all").exit());
        assertTrue(admin("get", "cart").out().contains("cart: 1 value"));
        Run delete = admin("delete", "cart");
        assertEquals(AdminMain.OK, delete.exit(), delete::toString);
        Run gone = admin("get", "cart");
        assertEquals(AdminMain.OK, gone.exit());
        assertTrue(gone.out().startsWith("cart: not found (deleted"), gone::toString);
        assertEquals(AdminMain.OK, admin("get", "a/b c").exit(), "keys are percent-encoded as one segment");
    }

    private void usageAndUnreachable() {
        Run badValue = admin("put", "k", "not json");
        assertEquals(AdminMain.USAGE, badValue.exit(), badValue::toString);
        Run badQuorum = admin("get", "k", "--r", "7");
        assertEquals(AdminMain.USAGE, badQuorum.exit(), badQuorum::toString);
        assertTrue(badQuorum.err().contains("invalid_parameter"), badQuorum::toString);
        Run badContext = admin("put", "k", "1", "--context", "bogus");
        assertEquals(AdminMain.USAGE, badContext.exit(), badContext::toString);
        assertEquals(AdminMain.USAGE, admin("nonsense").exit());
    }

    private Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of("--node", cluster.base(0).getAuthority()));
        all.addAll(List.of(args)); // a later --node wins
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AdminMain.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
