package io.kvorum.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client while a node dies and comes back, on three real in-JVM nodes with a 1 s request
 * timeout: no request fails because of the dead node, the client stops sending to it, sends to it
 * again once it is back, and a quorum the live nodes cannot meet is an {@link UnavailableException}.
 */
class FailoverIT {
    @TempDir
    Path dataRoot;

    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void requestsKeepSucceedingWhileANodeIsKilledAndItIsUsedAgainOnceBack() {
        cluster = LocalCluster.start(dataRoot, 3, "--quorum.request-timeout=1s");
        KvorumClientIT.Recorder recorder = new KvorumClientIT.Recorder();
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(0))
                .refreshInterval(Duration.ofMillis(200)).listener(recorder).build()) {
            for (int k = 0; k < 60; k++) {
                client.put("before-" + k, k, null);
            }
            cluster.kill(2);
            for (int k = 0; k < 60; k++) {
                String key = "during-" + k;
                client.put(key, k, null);
                assertEquals(List.of(k), client.get(key, Integer.class).values());
                assertEquals(List.of(k), client.get("before-" + k, Integer.class).values());
            }
            assertTrue(recorder.events.contains("down node-3"), recorder.events::toString);
            Member dead = client.members().get(2);
            assertFalse(dead.usable(), dead::toString);

            long requestsBefore = client.stats().requests();
            cluster.restart(2);
            await("node-3 usable again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> client.members().get(2).usable());
            assertTrue(recorder.events.lastIndexOf("up node-3") > recorder.events.indexOf("down node-3"), recorder.events::toString);
            for (int k = 0; k < 60; k++) {
                client.put("after-" + k, k, null);
            }
            assertTrue(client.stats().requests() >= requestsBefore + 60);
        }
    }

    @Test
    void aQuorumTheLiveNodesCannotMeetIsUnavailable() {
        cluster = LocalCluster.start(dataRoot, 3, "--quorum.request-timeout=1s");
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(0), cluster.address(1)).build()) {
            client.put("strict", "v", null, RequestOptions.NONE.withW(Level.ALL));
            cluster.kill(2);
            UnavailableException unavailable = assertThrows(UnavailableException.class,
                    () -> client.put("strict", "w", null, RequestOptions.NONE.withW(Level.ALL).withSloppy(false)));
            assertEquals(3, unavailable.required());
            assertTrue(unavailable.acknowledged() < 3, "acknowledged " + unavailable.acknowledged());
            // As in Dynamo, the failed write may still be on the live replicas (a sibling: it had no
            // context); the acknowledged one is never lost, and a quorum read works.
            List<String> values = client.get("strict", String.class, RequestOptions.NONE.withR(Level.of(2))).values();
            assertTrue(values.contains("v"), values::toString);
        }
    }

    @Test
    void noReachableContactPointIsNoNodeAvailable() {
        cluster = LocalCluster.start(dataRoot, 1);
        String address = cluster.address(0);
        cluster.kill(0);
        NoNodeAvailableException none = assertThrows(NoNodeAvailableException.class,
                () -> KvorumClient.builder().contactPoints(address).connectTimeout(Duration.ofMillis(500)).build());
        assertTrue(none.getMessage().contains(address), none::getMessage);
    }
}
