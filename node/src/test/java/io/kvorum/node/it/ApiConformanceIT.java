package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertValues;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster conforms to every line of api.md, one test per line (or per closely related group
 * of lines); the checks themselves are in {@link KvSemanticsChecks}, {@link BadInputChecks} and
 * {@link ClusterViewChecks}. By default the cluster is three in-process nodes (N=3 R=2 W=2, 1 s
 * request timeout); {@code -Dkvorum.it.endpoints=http://...,...} runs the same tests against a running
 * cluster instead, e.g. one from {@code scripts/kvorum up}.
 *
 * <p>All tests share one cluster, as clients share a real one: each uses its own keys, and the last
 * test checks that after all the bad input every node is still healthy and an early key unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiConformanceIT {
    private static final int VNODES_PER_NODE = 64;
    private static final String SENTINEL_VALUE = "{\"written\": \"before everything else\", \"n\": 1.50}";

    private Cluster cluster;
    private boolean inProcess;
    private KvSemanticsChecks kv;
    private BadInputChecks badInput;
    private ClusterViewChecks views;
    private PatchChecks patch;
    private String sentinelKey;

    @BeforeAll
    void startCluster(@TempDir Path dataRoot) {
        inProcess = ExternalCluster.fromSystemProperty().isEmpty();
        cluster = inProcess
                ? TestCluster.start(dataRoot, 3, List.of("--quorum.request-timeout=1s", "--ring.vnodes-per-node=" + VNODES_PER_NODE))
                : ExternalCluster.fromSystemProperty().orElseThrow();
        kv = new KvSemanticsChecks(cluster);
        badInput = new BadInputChecks(cluster);
        views = new ClusterViewChecks(cluster);
        patch = new PatchChecks(cluster);
        sentinelKey = kv.key("sentinel");
        assertWritten(cluster.client(0).put(sentinelKey, "{\"value\":" + SENTINEL_VALUE + "}", "w=all"), sentinelKey);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    // PUT, GET, DELETE

    @Test
    void anyNodeCoordinatesPutGetAndDelete() {
        kv.roundTripThroughEveryNode();
    }

    @Test
    void valuesOfEveryJsonTypeComeBackAsTheirExactText() {
        kv.valueTypesComeBackUnchanged();
    }

    @Test
    void putAnswersTheKeyAndTheContextOfTheNewVersion() {
        kv.putAnswersTheContextOfTheNewVersion();
    }

    @Test
    void blindWritesThroughOneCoordinatorBecomeSiblingsInAStableOrder() {
        kv.blindWritesBecomeSiblingsInAStableOrderAndAContextResolvesThem(true);
    }

    @Test
    void blindWritesThroughTwoCoordinatorsBecomeSiblingsInAStableOrder() {
        kv.blindWritesBecomeSiblingsInAStableOrderAndAContextResolvesThem(false);
    }

    @Test
    void writesWithTheSameStaleContextThroughOneCoordinatorBecomeSiblings() {
        kv.writesWithTheSameStaleContextBecomeSiblings(true);
    }

    @Test
    void writesWithTheSameStaleContextThroughTwoCoordinatorsBecomeSiblings() {
        kv.writesWithTheSameStaleContextBecomeSiblings(false);
    }

    @Test
    void aWriteWithAContextSupersedesOnlyTheVersionsItCovers() {
        kv.aContextSupersedesOnlyWhatItCovers();
    }

    @Test
    void aNeverWrittenKeyIsNotFoundWithoutContext() {
        kv.aNeverWrittenKeyIsNotFoundWithoutContext();
    }

    @Test
    void afterADeleteGetIsNotFoundWithAContextAndAWriteWithItHasOneValue() {
        kv.aWriteAfterADeleteWithItsContextHasOneValue();
    }

    @Test
    void aDeleteWithoutContextSupersedesEverything() {
        kv.aDeleteWithoutContextSupersedesEverything();
    }

    @Test
    void aDeleteWithAContextSupersedesOnlyWhatItCovers() {
        kv.aDeleteWithContextSupersedesOnlyWhatItCovers();
    }

    @Test
    void deletingANeverWrittenKeyWritesATombstone() {
        kv.deletingANeverWrittenKeyWritesATombstone();
    }

    // PATCH (v1.1)

    @Test
    void patchMergesIntoTheOneValueThroughAnyNode() {
        patch.patchesMergeIntoTheOneValueThroughAnyNode();
    }

    @Test
    void patchOfADeletedKeyStartsFromAnEmptyObject() {
        patch.aDeletedKeyIsPatchedAsAnEmptyObject();
    }

    @Test
    void patchOfSiblingsIs409ConflictListingThemAndTheirContextResolves() {
        patch.siblingsAreA409ConflictAndTheirContextResolves();
    }

    @Test
    void patchWithAStaleContextIs409ConflictAndWritesNothing() {
        patch.aStaleContextIsA409ConflictAndTheCurrentOneApplies();
    }

    @Test
    void badPatchesAre4xxAndChangeNothing() {
        patch.badPatchesAre4xxAndChangeNothing();
    }

    // Keys, values, contexts

    @Test
    void keysArePercentEncodedUtf8PathSegments() {
        kv.percentEncodedKeysRoundTrip();
    }

    @Test
    void keysOf1024BytesAreAcceptedAndOf1025BytesAreInvalid() {
        kv.keysOf1024BytesAreAcceptedAnd1025Rejected();
    }

    @Test
    void anEmptyKeyIsInvalid() {
        badInput.anEmptyKeyIsInvalid();
    }

    @Test
    void aKeyThatIsNotUtf8OrNotWellEscapedIsInvalid() {
        badInput.invalidUtf8KeysAreInvalid();
    }

    @Test
    void aValueOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLarge() {
        badInput.aValueOfExactlyTheLimitIsAcceptedAndOneByteMoreIsTooLarge();
    }

    @Test
    void aHugeDeclaredBodyIsRejectedBeforeItIsSent() {
        badInput.aHugeDeclaredBodyIsRejectedBeforeItIsSent();
    }

    @Test
    void contextsAreUrlSafeWithoutPadding() {
        kv.contextsAreUrlSafeWithoutPadding();
    }

    @Test
    void aContextThatDoesNotDecodeIsInvalidAndChangesNothing() {
        badInput.invalidContextsAreRejectedAndChangeNothing();
    }

    @Test
    void aBodyThatIsNotAJsonObjectWithAValueIsInvalidAndChangesNothing() {
        badInput.invalidJsonBodiesAreRejectedAndChangeNothing();
    }

    // Consistency parameters

    @Test
    void rAndWAcceptNumbersAndTheWordsOneQuorumAll() {
        kv.consistencyParametersAcceptNumbersAndWords();
    }

    @Test
    void rAndWOutsideOneToNOrUnknownWordsAreInvalidParameters() {
        badInput.badConsistencyParametersAreInvalid();
    }

    @Test
    void timeoutMillisIsBounded() {
        badInput.timeoutMillisBounds();
    }

    // Replicas, cluster and operations

    @Test
    void replicasListNDistinctNodesTheSameFromEveryNode() {
        views.replicasListNDistinctNodesTheSameFromEveryNode();
    }

    @Test
    void healthNamesTheNode() {
        views.healthNamesEachNode();
    }

    @Test
    void membersListsEveryNodeUp() {
        views.membersListsEveryNodeUp();
        if (inProcess) {
            views.membersCarryPhiFromTheFailureDetector();
        }
    }

    @Test
    void ringSharesSumToOne() {
        views.ringSharesSumToOne(inProcess ? OptionalInt.of(VNODES_PER_NODE) : OptionalInt.empty());
    }

    @Test
    void metricsHaveTimersForGetPutAndDeleteAndTheCoreCounters() {
        views.metricsHaveOperationTimersAndCounters();
    }

    // Status codes

    @Test
    void unknownPathsAreNoSuchRoute() {
        badInput.unknownPathsAreNoSuchRoute();
    }

    @Test
    void aWrongMethodOnAKnownPathIs405() {
        badInput.wrongMethodsAre405();
    }

    @Test
    void everyAnswerIsJsonAndEveryErrorHasErrorAndMessage() {
        badInput.everyAnswerIsJsonAndEveryErrorHasErrorAndMessage();
    }

    /** "500: a bug: it must never happen for any input a client can send" — and bad input never hurts. */
    @Test
    @Order(Integer.MAX_VALUE)
    void afterEverythingEveryNodeIsHealthyNoRequestFailedInternallyAndTheFirstKeyIsUnchanged() {
        views.healthNamesEachNode();
        for (ApiClient node : cluster.clients()) {
            assertValues(node.get(sentinelKey, "r=all"), sentinelKey, SENTINEL_VALUE);
            assertEquals(0, ClusterChecks.counter(node, "http.errors.internal"), () -> node.base() + " answered 500");
            assertOk(node.get(raw("/cluster/members")));
        }
    }
}
