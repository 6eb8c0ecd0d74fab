package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.node.it.ApiClient.RawPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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

    private ScriptRunner runner;
    private boolean down;
    private ExternalCluster cluster;
    private KvSemanticsChecks kv;
    private BadInputChecks badInput;
    private ClusterViewChecks views;

    @BeforeAll
    void up(@TempDir Path temp) {
        runner = ScriptRunner.create(temp, NODES, Map.of("KVORUM_QUORUM_REQUEST_TIMEOUT", REQUEST_TIMEOUT.toMillis() + "ms"));
        ScriptRunner.Result up = script(Duration.ofSeconds(90), "up");
        assertEquals(0, up.exit(), up::output);
        assertTrue(up.output().contains("Kvorum is up"), up::output);
        cluster = new ExternalCluster(runner.bases(NODES));
        kv = new KvSemanticsChecks(cluster);
        badInput = new BadInputChecks(cluster);
        views = new ClusterViewChecks(cluster);
    }

    @AfterAll
    void alwaysDown() {
        if (runner != null && !down) {
            ScriptRunner.Result result = script(Duration.ofSeconds(60), "down");
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
        ScriptRunner.Result kill = script(Duration.ofSeconds(30), "kill", "node-3");
        assertEquals(0, kill.exit(), kill::output);
        assertThrows(AssertionError.class, () -> cluster.client(2).get(new RawPath("/health")), "node-3 still answers");
        runner.withLogsOnFailure(() -> kv.quorumsWithOneNodeDown(Set.of(2), REQUEST_TIMEOUT.plus(MARGIN)));

        ScriptRunner.Result status = script(Duration.ofSeconds(30), "status");
        assertEquals(0, status.exit(), status::output);
        assertTrue(status.output().lines().anyMatch(line -> line.startsWith("node-3") && !line.contains("running")),
                status::output);

        // Issue 19: each live node's log says node-3 went down, with its phi, once; and had said it was up.
        runner.withLogsOnFailure(() -> Awaitility.await("node-3 DOWN in the logs").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> runner.nodeLog("node-1").contains("node-3 is now DOWN (phi ")
                        && runner.nodeLog("node-2").contains("node-3 is now DOWN (phi ")));
        for (String id : List.of("node-1", "node-2")) {
            String log = runner.nodeLog(id);
            assertEquals(1, log.split("node-3 is now DOWN", -1).length - 1, () -> id + " logged the DOWN more than once:\n" + log);
            assertTrue(log.contains("INFO") && log.contains("node-3 is UP (first heard of"), () -> id + ":\n" + log);
        }
    }

    /** Issue 19: check-sets beside the user's own running cluster names it and says what to do, at once. */
    @Test
    @Order(5)
    void checkSetsBesideTheRunningClusterSaysDownOrUseRunning() {
        Assumptions.assumeTrue(curlInstalled(), "check-sets needs curl, which this machine lacks");
        ScriptRunner.Result checkSets = script(Duration.ofSeconds(60), "check-sets", "--duration", "5");
        assertEquals(1, checkSets.exit(), checkSets::output);
        assertTrue(checkSets.output().contains("your cluster from 'scripts/kvorum up'"), checkSets::output);
        assertTrue(checkSets.output().contains("'scripts/kvorum down'"), checkSets::output);
        assertTrue(checkSets.output().contains("--use-running"), checkSets::output);
        assertFalse(checkSets.output().contains("ss -ltnp"), checkSets::output);
    }

    @Test
    @Order(6)
    void downStopsEveryNode() {
        ScriptRunner.Result result = script(Duration.ofSeconds(60), "down");
        down = true;
        assertEquals(0, result.exit(), result::output);
        for (ApiClient node : cluster.clients()) {
            assertThrows(AssertionError.class, () -> node.get(new RawPath("/health")), () -> node.base() + " still answers");
        }
    }

    private static boolean curlInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (java.nio.file.Files.isExecutable(Path.of(dir, "curl"))) {
                return true;
            }
        }
        return false;
    }

    private ScriptRunner.Result script(Duration timeout, String... args) {
        return runner.run(timeout, args);
    }
}
