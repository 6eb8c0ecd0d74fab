package io.kvorum.node.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.Clock;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.core.NodeCoreSettings;
import io.kvorum.node.core.Transport;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.hint.MemoryHintStore;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A core exception fails loudly (issue 12): the failing request and every other waiting one fail at
 * once, the failure is counted and the node is stopped, and nothing reaches the broken core again.
 * And client requests past node.operations-max are answered 503 at once.
 */
class NodeLoopCoreFailureTest {
    private static final NodeId SELF = NodeId.of("node-1");
    private static final NodeId PEER = NodeId.of("node-2");
    private static final Key KEY = Key.of("k");
    private static final long WAIT_SECONDS = 30;

    private final Vertx vertx = Vertx.vertx();
    private final WorkerExecutor workers = vertx.createSharedWorkerExecutor("test-storage", 1);
    private final MetricRegistry registry = new MetricRegistry();
    private final List<Integer> halts = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aCoreExceptionFailsEveryWaitingRequestAtOnceCountsAndStopsTheNode() throws Exception {
        NodeLoop loop = loop(10);
        // Waits for the peer, which never answers: only the failure below can end it before its minute.
        CompletableFuture<ReadOutcome> waiting = loop.get(KEY, 2, true, 60_000);
        // r = 0 breaks an invariant inside the core (a quorum needs at least one reply).
        CompletableFuture<ReadOutcome> failing = loop.get(KEY, 0, true, 60_000);

        ExecutionException failure = assertThrows(ExecutionException.class, () -> failing.get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("node core failed on ClientGet"), failure.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> waiting.get(WAIT_SECONDS, TimeUnit.SECONDS),
                "the other waiting request fails at once too, not at its timeout");
        await().atMost(WAIT_SECONDS, TimeUnit.SECONDS).until(() -> !halts.isEmpty());
        assertEquals(List.of(CoreFailures.EXIT_CORE_FAILURE), halts, "the node stops");
        assertEquals(1, registry.counter("node.core-failures").getCount());

        CompletableFuture<WriteOutcome> after = loop.write(KEY, Optional.of(Bytes.utf8("1")), Optional.of(CausalContext.EMPTY), 1,
                true, 60_000);
        assertThrows(ExecutionException.class, () -> after.get(WAIT_SECONDS, TimeUnit.SECONDS), "the broken core takes no more input");
        assertEquals(1, halts.size());
    }

    @Test
    void aClientRequestPastTheBoundIsAnsweredUnavailableAtOnce() throws Exception {
        NodeLoop loop = loop(1);
        CompletableFuture<ReadOutcome> waiting = loop.get(KEY, 2, true, 60_000);
        ReadOutcome refused = loop.get(KEY, 1, true, 60_000).get(WAIT_SECONDS, TimeUnit.SECONDS);
        ReadOutcome.Unavailable unavailable = assertInstanceOf(ReadOutcome.Unavailable.class, refused);
        assertTrue(unavailable.shortfall().refusals().getFirst().reason().contains("node.operations-max"), unavailable.toString());
        assertEquals(1, registry.counter("node.overloaded").getCount());
        assertTrue(!waiting.isDone(), "the waiting request is untouched");
        assertEquals(List.of(), halts);
    }

    private NodeLoop loop(int operationsMax) {
        List<Membership.Member> members = new ArrayList<>();
        for (NodeId id : List.of(SELF, PEER)) {
            members.add(new Membership.Member(id, "x", "x", Membership.Status.UP, OptionalDouble.empty()));
        }
        Membership membership = new StaticMembership(members, Ring.allocate(List.of(SELF, PEER), 8));
        NodeCore core = new NodeCore(new NodeCoreSettings(SELF, new Actor(SELF, 0), 2, 50), membership,
                Murmur3Partitioner.INSTANCE::token, CoreMetrics.NONE);
        Clock clock = new SystemClock();
        LocalStorage storage = new LocalStorage(new MemoryEngine(Murmur3Partitioner.INSTANCE::token), new MemoryHintStore(10),
                Murmur3Partitioner.INSTANCE::token);
        NodeLoop loop = new NodeLoop(vertx, vertx.getOrCreateContext(), core, clock, storage, workers, new NodeLoop.Sinks(tokens -> { }, progress -> { }, () -> { }),
                new NodeLoop.Limits(SELF, operationsMax, new CoreFailures(registry, halts::add)));
        loop.attach(new Transport() {
            @Override
            public void send(NodeId to, PeerMessage message) {
                // the peer never answers
            }

            @Override
            public void disconnect(NodeId peer) {}
        });
        return loop;
    }
}
