package io.kvorum.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.coordinator.ReadRepairPlanner;
import io.kvorum.node.core.ScriptedCluster.Envelope;
import io.kvorum.node.message.PeerMessage.ReadRepair;
import io.kvorum.node.message.PeerMessage.ReplicaDigestResponse;
import io.kvorum.node.message.PeerMessage.ReplicaGetRequest;
import io.kvorum.node.message.PeerMessage.ReplicaGetResponse;
import io.kvorum.node.message.PeerMessage.ReplicaPutRequest;
import io.kvorum.node.protocol.WriteOutcome;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: reads repaired replicas that were only behind by a write still on its way to them (6,069
 * repairs in a run without faults). Once the nodes know the wall time (from their first tick), a
 * replica that lacks only versions stamped within {@link ReadRepairPlanner#IN_FLIGHT_GRACE_MILLIS} is
 * left alone; one that still lacks them after the grace is repaired by the next read.
 */
class Issue16ReadRepairTest {
    /** Every read asks all three replicas: a read that asks two may leave the one behind alone. */
    private final ScriptedCluster cluster = ScriptedCluster.readingFromAll(3, 3);
    private final Key key = Key.of("session:16");
    private final List<NodeId> replicas = cluster.preferenceList(key);

    @BeforeEach
    void everyNodeReadsTheWallClock() {
        cluster.nodes().forEach(cluster::tick);
        cluster.settle();
    }

    @AfterEach
    void leavesNothingBehind() {
        cluster.assertLeavesNothingBehind();
    }

    @Test
    void aReplicaBehindByAWriteInFlightIsNotRepairedAndOneStillBehindAfterTheGraceIs() {
        long write = cluster.write(replicas.get(0), key, "v", Optional.empty(), 2);
        Envelope slow = cluster.inFlight(e -> e.message() instanceof ReplicaPutRequest && e.to().equals(replicas.get(2))).get(0);
        cluster.deliverWhere(e -> !e.equals(slow));
        cluster.deliverWhere(e -> !e.equals(slow));
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(write));

        readThroughEveryReplica(replicas.get(1));
        assertEquals(List.of(), cluster.inFlight(e -> e.message() instanceof ReadRepair), "the write is still on its way");

        cluster.drop(slow); // it never arrives (and the write's coordinator has finished with it)
        cluster.advanceMillis(ReadRepairPlanner.IN_FLIGHT_GRACE_MILLIS + 1);
        readThroughEveryReplica(replicas.get(1));
        assertEquals(List.of(replicas.get(2)), cluster.inFlight(e -> e.message() instanceof ReadRepair).stream().map(Envelope::to).toList());
        cluster.settle();
        assertEquals(cluster.state(replicas.get(0), key), cluster.state(replicas.get(2), key));
    }

    private void readThroughEveryReplica(NodeId coordinator) {
        long read = cluster.read(coordinator, key, 2);
        for (int round = 0; round < 2; round++) { // digests, then the whole state of a replica whose digest differed
            cluster.deliverWhere(e -> e.message() instanceof ReplicaGetRequest);
            cluster.deliverWhere(e -> e.message() instanceof ReplicaGetResponse || e.message() instanceof ReplicaDigestResponse);
        }
        assertEquals(1, cluster.readReply(read) instanceof io.kvorum.node.protocol.ReadOutcome.Found found ? found.values().size() : 0);
    }
}
