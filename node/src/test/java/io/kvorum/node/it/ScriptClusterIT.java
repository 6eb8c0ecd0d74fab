package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.node.it.ApiClient.RawPath;
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
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's entry point, end to end: {@code scripts/kvorum up} starts three real node processes
 * from the jar {@code package} built, the conformance checks of {@link ApiConformanceIT} run against
 * them through {@link ExternalCluster}, {@code scripts/kvorum kill node-3} takes one down for the
 * quorum checks, and {@code scripts/kvorum down} stops them all (always, even when a check failed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScriptClusterIT {
    private static final int NODES = 3;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration MARGIN = Duration.ofMillis(1500);

    private Path temp;
    private Path root;
    private Path data;
    private int httpBase;
    private int internodeBase;
    private boolean down;
    private ExternalCluster cluster;
    private KvSemanticsChecks kv;
    private BadInputChecks badInput;
    private ClusterViewChecks views;

    @BeforeAll
    void up(@TempDir Path temp) {
        this.temp = temp;
        root = repositoryRoot();
        Path jar = root.resolve("node/target/kvorum-node.jar");
        assertTrue(Files.isRegularFile(jar) && Files.isDirectory(root.resolve("node/target/lib")),
                jar + " and node/target/lib are missing: run this test through 'mvn verify', which packages first");
        data = temp.resolve("data");
        choosePorts();
        Result up = script(Duration.ofSeconds(90), "up");
        assertEquals(0, up.exit(), up::output);
        assertTrue(up.output().contains("Kvorum is up"), up::output);
        List<URI> bases = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            bases.add(URI.create("http://127.0.0.1:" + (httpBase + i)));
        }
        cluster = new ExternalCluster(bases);
        kv = new KvSemanticsChecks(cluster);
        badInput = new BadInputChecks(cluster);
        views = new ClusterViewChecks(cluster);
    }

    @AfterAll
    void alwaysDown() {
        if (root != null && !down) {
            Result result = script(Duration.ofSeconds(60), "down");
            assertEquals(0, result.exit(), result::output);
        }
    }

    @Test
    @Order(1)
    void everyNodeIsHealthyAndSeesTheOthers() {
        views.healthNamesEachNode();
        assertEquals(List.of("node-1", "node-2", "node-3"), views.nodeIds());
        views.membersListsEveryNodeUp();
        views.ringSharesSumToOne(OptionalInt.of(128)); // scripts/kvorum keeps the default
        views.replicasListNDistinctNodesTheSameFromEveryNode();
    }

    @Test
    @Order(2)
    void keysValuesAndSiblingsConform() {
        kv.roundTripThroughEveryNode();
        kv.valueTypesComeBackUnchanged();
        kv.percentEncodedKeysRoundTrip();
        kv.keysOf1024BytesAreAcceptedAnd1025Rejected();
        kv.blindWritesBecomeSiblingsInAStableOrderAndAContextResolvesThem(false);
        kv.writesWithTheSameStaleContextBecomeSiblings(false);
        kv.aContextSupersedesOnlyWhatItCovers();
        kv.aWriteAfterADeleteWithItsContextHasOneValue();
        kv.aDeleteWithoutContextSupersedesEverything();
        kv.aNeverWrittenKeyIsNotFoundWithoutContext();
    }

    @Test
    @Order(3)
    void badInputIsRejectedAndChangesNothing() {
        badInput.invalidUtf8KeysAreInvalid();
        badInput.invalidContextsAreRejectedAndChangeNothing();
        badInput.invalidJsonBodiesAreRejectedAndChangeNothing();
        kv.consistencyParametersAcceptNumbersAndWords();
        badInput.badConsistencyParametersAreInvalid();
        badInput.timeoutMillisBounds();
        badInput.aValueOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLarge();
        badInput.aHugeDeclaredBodyIsRejectedBeforeItIsSent();
        badInput.unknownPathsAreNoSuchRoute();
        badInput.wrongMethodsAre405();
        badInput.everyAnswerIsJsonAndEveryErrorHasErrorAndMessage();
        views.metricsHaveOperationTimersAndCounters();
        for (ApiClient node : cluster.clients()) {
            assertEquals(0, ClusterChecks.counter(node, "http.errors.internal"), () -> node.base() + " answered 500");
        }
    }

    @Test
    @Order(4)
    void withNode3KilledQuorumsOfTwoSucceedAndQuorumsOfThreeFailPromptly() {
        Result kill = script(Duration.ofSeconds(30), "kill", "node-3");
        assertEquals(0, kill.exit(), kill::output);
        assertThrows(AssertionError.class, () -> cluster.client(2).get(new RawPath("/health")), "node-3 still answers");
        kv.quorumsWithOneNodeDown(Set.of(2), REQUEST_TIMEOUT.plus(MARGIN));

        Result status = script(Duration.ofSeconds(30), "status");
        assertEquals(0, status.exit(), status::output);
        assertTrue(status.output().lines().anyMatch(line -> line.startsWith("node-3") && !line.contains("running")),
                status::output);
    }

    @Test
    @Order(5)
    void downStopsEveryNode() {
        Result result = script(Duration.ofSeconds(60), "down");
        down = true;
        assertEquals(0, result.exit(), result::output);
        for (ApiClient node : cluster.clients()) {
            assertThrows(AssertionError.class, () -> node.get(new RawPath("/health")), () -> node.base() + " still answers");
        }
    }

    // --- running the script -------------------------------------------------------------------------

    record Result(int exit, String output) {}

    /** Runs {@code scripts/kvorum args...} with this test's environment; fails if it outlives {@code timeout}. */
    private Result script(Duration timeout, String... args) {
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
        env.put("KVORUM_QUORUM_REQUEST_TIMEOUT", REQUEST_TIMEOUT.toMillis() + "ms");
        env.put("KVORUM_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        env.put("KVORUM_UP_TIMEOUT", "60");
        env.put("KVORUM_STOP_TIMEOUT", "20");
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

    /** The repository root: the first folder up from the working directory (node/ under failsafe) with scripts/kvorum. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/kvorum"))) {
                return dir;
            }
        }
        return fail("no scripts/kvorum above " + Path.of("").toAbsolutePath());
    }

    /** Picks base ports whose next {@value #NODES} ports are all free, below the ephemeral range. */
    private void choosePorts() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int http = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            int internode = http + 1000;
            if (free(http, NODES) && free(internode, NODES)) {
                httpBase = http;
                internodeBase = internode;
                return;
            }
        }
        fail("no free port range found");
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
