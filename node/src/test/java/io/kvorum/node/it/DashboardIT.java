package io.kvorum.node.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard at {@code GET /ui} in a real headless Chromium against a real three-node cluster:
 * all three members show {@code up}, then one is killed and the page shows it {@code down}. Skipped,
 * with a message saying so, where Chromium is not installed ({@code .ci/run} installs it when it can).
 */
class DashboardIT {
    /** Each member row's id and status, as the page renders them. */
    private static final String STATUSES = "Array.from(document.querySelectorAll('#members tbody tr'))"
            + ".map(r => r.dataset.member + '=' + r.dataset.status).join(',')";
    /** Every resource the page loaded that is not from the node itself (must be none). */
    private static final String FOREIGN = "performance.getEntriesByType('resource').map(e => e.name)"
            + ".filter(n => !n.startsWith(location.origin)).join(' ')";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dataRoot;

    private TestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void showsAllMembersUpThenAKilledNodeDown() throws IOException {
        Optional<Path> chromium = HeadlessChromium.find();
        Assumptions.assumeTrue(chromium.isPresent(), "SKIPPED: no chromium on PATH, so the dashboard is not tested in a browser "
                + "(install Debian's chromium package: apt-get install chromium; .ci/run does so when run as root)");
        cluster = TestCluster.start(dataRoot, 3, List.of());
        cluster.client(0).put("dashboard", "{\"value\":1}", "w=all");
        try (HeadlessChromium browser = HeadlessChromium.open(chromium.get(), dataRoot.resolve("chromium-profile"),
                cluster.base(0).resolve("/ui"))) {
            await("three members up on the page").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> browser.evaluate(STATUSES), "node-1=up,node-2=up,node-3=up"::equals);
            assertEquals("healthy", browser.evaluate("document.getElementById('health').textContent"));
            assertEquals("", browser.evaluate(FOREIGN), "the page loads nothing from elsewhere");
            save(browser.screenshot(), "dashboard-healthy.png");

            cluster.kill(2);
            await("node-3 down on the page").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> browser.evaluate(STATUSES), "node-1=up,node-2=up,node-3=down"::equals);
            assertTrue(browser.evaluate("document.getElementById('health').textContent").contains("node-3 is down"));
            save(browser.screenshot(), "dashboard-node-down.png");
        }
    }

    /** Keeps the screenshot in target/ for a look (and checks that it is a PNG). */
    private static void save(byte[] png, String name) throws IOException {
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), "a PNG");
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.write(target.resolve(name), png);
        }
    }
}
