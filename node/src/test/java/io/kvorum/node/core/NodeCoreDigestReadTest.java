package io.kvorum.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.ScriptedCluster.Envelope;
import io.kvorum.node.core.ScriptedCluster.PendingStorage;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessage.ReadMode;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.storage.version.KeyLimits;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Digest reads through whole node cores ({@link ScriptedCluster}): what goes on the wire when the
 * replicas agree, where the coordinator is not a replica, and the hedge point passing over a data
 * replica whose disk is slow.
 */
class NodeCoreDigestReadTest {
    private static Predicate<Envelope> carrying(Class<? extends PeerMessage> type) {
        return envelope -> type.isInstance(envelope.message());
    }

    private static List<String> values(ReadOutcome outcome) {
        return ((ReadOutcome.Found) outcome).values().stream().map(s -> s.value().utf8String()).toList();
    }

    private static void put(ScriptedCluster cluster, NodeId at, Key key, String value) {
        long id = cluster.write(at, key, value, Optional.empty(), 3);
        cluster.settle();
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
    }

    @Test
    void agreeingReplicasSendDigestsAndTheCoordinatorReadsItsOwnState() {
        agreeingReplicasSendDigests(new ScriptedCluster(3, 3), 1);
        agreeingReplicasSendDigests(ScriptedCluster.readingFromAll(3, 3), 2);
    }

    /** R = 2: one peer asked besides the coordinator itself; {@code peersAsked} 2 when every replica is. */
    private static void agreeingReplicasSendDigests(ScriptedCluster cluster, int peersAsked) {
        Key key = Key.of("k");
        NodeId coordinator = cluster.node(0);
        put(cluster, coordinator, key, "v");

        long read = cluster.read(coordinator, key, 2);
        List<Envelope> requests = cluster.inFlight(carrying(ReplicaGetRequest.class));
        assertEquals(peersAsked, requests.size(), "the coordinator's own read does not go on the wire");
        requests.forEach(request -> assertEquals(ReadMode.DIGEST, ((ReplicaGetRequest) request.message()).mode()));
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));

        assertEquals(peersAsked, cluster.inFlight(carrying(ReplicaDigestResponse.class)).size());
        assertEquals(List.of(), cluster.inFlight(carrying(ReplicaGetResponse.class)), "no state crosses the wire");
        cluster.settle();
        assertEquals(List.of("v"), values(cluster.readReply(read)));
        assertEquals(List.of(), cluster.inFlight(carrying(ReadRepair.class)));
        cluster.assertLeavesNothingBehind();
    }

    @Test
    void aCoordinatorThatIsNoReplicaAsksTheFirstReplicaForItsState() {
        ScriptedCluster cluster = new ScriptedCluster(5, 3);
        NodeId coordinator = cluster.node(4);
        Key key = cluster.key("elsewhere", list -> !list.contains(coordinator));
        List<NodeId> replicas = cluster.preferenceList(key);
        put(cluster, replicas.get(0), key, "v");

        long read = cluster.read(coordinator, key, 2);
        List<Envelope> requests = cluster.inFlight(carrying(ReplicaGetRequest.class));
        assertEquals(replicas.subList(0, 2), requests.stream().map(Envelope::to).toList(), "R = 2 of them, in ring order");
        assertEquals(List.of(ReadMode.DATA, ReadMode.DIGEST),
                requests.stream().map(request -> ((ReplicaGetRequest) request.message()).mode()).toList());
        cluster.settle();
        assertEquals(List.of("v"), values(cluster.readReply(read)));
    }

    @Test
    void aDataReplicaWhoseDiskIsSlowIsPassedOverAtTheHedgePoint() {
        ScriptedCluster cluster = new ScriptedCluster(3, 3);
        Key key = Key.of("k");
        NodeId coordinator = cluster.node(0);
        put(cluster, coordinator, key, "v");
        cluster.holdStorage(true);

        long read = cluster.read(coordinator, key, 2);
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        completeStorageExceptOn(cluster, coordinator);
        cluster.deliverWhere(carrying(ReplicaDigestResponse.class));
        assertEquals(Optional.empty(), cluster.readOutcome(read), "digests alone are no state");
        assertEquals(List.of(), cluster.inFlight(), "the digests wait for the local read");

        cluster.advanceMillis(ScriptedCluster.TIMEOUT_MILLIS / 2);
        List<Envelope> fetches = cluster.inFlight(carrying(ReplicaGetRequest.class));
        assertEquals(2, fetches.size(), "past the hedge point both peers are asked for their states");
        fetches.forEach(fetch -> assertEquals(ReadMode.DATA, ((ReplicaGetRequest) fetch.message()).mode()));
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        completeStorageExceptOn(cluster, coordinator);
        cluster.deliverWhere(carrying(ReplicaGetResponse.class));
        assertEquals(List.of("v"), values(cluster.readReply(read)), "answered with R = 2 while the local read still waits");

        cluster.holdStorage(false);
        cluster.completeAllStorage();
        cluster.settle();
        assertTrue(cluster.inFlight().isEmpty());
        cluster.assertLeavesNothingBehind();
    }

    @Test
    void withDigestReadsOffEveryReplicaSendsItsState() {
        ScriptedCluster cluster = new ScriptedCluster(3, 3, KeyLimits.NONE, false);
        Key key = Key.of("k");
        NodeId coordinator = cluster.node(0);
        put(cluster, coordinator, key, "v");

        long read = cluster.read(coordinator, key, 2);
        List<Envelope> requests = cluster.inFlight(carrying(ReplicaGetRequest.class));
        assertEquals(1, requests.size(), "R = 2: one peer besides itself");
        requests.forEach(request -> assertEquals(ReadMode.DATA, ((ReplicaGetRequest) request.message()).mode()));
        cluster.deliverWhere(carrying(ReplicaGetRequest.class));
        assertEquals(1, cluster.inFlight(carrying(ReplicaGetResponse.class)).size());
        cluster.settle();
        assertEquals(List.of("v"), values(cluster.readReply(read)));
    }

    private static void completeStorageExceptOn(ScriptedCluster cluster, NodeId node) {
        for (PendingStorage pending : cluster.pendingStorage()) {
            if (!pending.node().equals(node)) {
                cluster.completeStorage(pending);
            }
        }
    }
}
