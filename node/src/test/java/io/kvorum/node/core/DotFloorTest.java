package io.kvorum.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * The dot issuer's floor lives in the core (issue 12): each coordinated write carries one reserved
 * counter as a value, reserved in the order the writes start, and the counter the engine issued comes
 * back in the result, raising the floor, so no counter is ever handed out twice, for any key.
 */
class DotFloorTest {
    private static final NodeId SELF = NodeId.of("node-1");
    private static final Actor ACTOR = new Actor(SELF, 3);
    private final List<String> rejectedContexts = new java.util.ArrayList<>();
    private final NodeCore core = core(new CoreMetrics() {
        @Override
        public void contextRejected(String reason) {
            rejectedContexts.add(reason);
        }
    });
    private long clientRequestId;
    private long nowMillis;

    @Test
    void writesReserveIncreasingCountersAcrossKeysEvenBeforeAnyCompletes() {
        assertEquals(1, startWrite("a").counter());
        assertEquals(2, startWrite("b").counter());
        assertEquals(3, startWrite("a").counter(), "a second write of a key still in flight gets the next counter");
    }

    @Test
    void aCounterIssuedAboveItsReservationRaisesTheFloor() {
        Effect.Storage first = storageEffect("a");
        CoordinateWriteCounter reserved = new CoordinateWriteCounter((StorageOp.CoordinateWrite) first.operation());
        assertEquals(1, reserved.counter());
        // The key already held counter 6 of this actor (say a later write overtook this one on a worker): 7 is issued.
        Siblings.NewVersion issued = Siblings.EMPTY.write(DotIssuer.reserved(ACTOR, 7), CausalContext.EMPTY,
                Optional.of(Bytes.utf8("\"x\"")), 1, 50);
        core.step(new Input.StorageDone(first.operationId(), new StorageResult.Written(issued, false)), nowMillis);
        assertEquals(8, startWrite("b").counter(), "the next reservation is above the issued counter");
    }

    @Test
    void aWriteThatTimedOutStillReturnsItsCounterToTheFloor() {
        Effect.Storage first = storageEffect("a");
        nowMillis += 2_000;
        List<Effect> timedOut = core.step(new Input.TimerFired(lastTimerId), nowMillis);
        assertEquals(1, timedOut.stream().filter(effect -> effect instanceof Effect.WriteReply).count(), "the client got its 503");
        Siblings.NewVersion issued = Siblings.EMPTY.write(DotIssuer.reserved(ACTOR, 20), CausalContext.EMPTY,
                Optional.of(Bytes.utf8("\"x\"")), 1, 50);
        core.step(new Input.StorageDone(first.operationId(), new StorageResult.Written(issued, true)), nowMillis);
        assertEquals(21, startWrite("b").counter());
    }

    /**
     * Issue 14: a context claiming counter 2^63-2 of this node's actor raised the floor to overflow,
     * and every later write of the key through the node failed. A claim beyond what the node issued
     * is cut back to it (those dots do not exist), reported, and the floor stays where it was.
     */
    @Test
    void aContextClaimingMoreOfThisActorThanItIssuedCannotRaiseTheFloor() {
        assertEquals(1, startWrite("a").counter());
        CausalContext forged = CausalContext.EMPTY.withPrefix(new io.kvorum.storage.version.Dot(ACTOR, Long.MAX_VALUE - 1), 1);
        StorageOp.CoordinateWrite write = (StorageOp.CoordinateWrite) storageEffect("a", forged).operation();
        assertEquals(2, write.counter());
        assertEquals(1, write.clientContext().maxCounter(ACTOR), "the claim is cut back to the highest counter reserved before");
        assertEquals(1, rejectedContexts.size(), "the forged claim is reported");
        assertEquals(true, rejectedContexts.get(0).contains(String.valueOf(Long.MAX_VALUE - 1)), rejectedContexts.get(0));
        assertEquals(3, startWrite("b").counter(), "the floor did not move");
        CausalContext honest = CausalContext.EMPTY.withPrefix(new io.kvorum.storage.version.Dot(ACTOR, 2), 1);
        StorageOp.CoordinateWrite next = (StorageOp.CoordinateWrite) storageEffect("a", honest).operation();
        assertEquals(honest, next.clientContext(), "a claim within what was issued is kept as it is");
        assertEquals(1, rejectedContexts.size());
    }

    private record CoordinateWriteCounter(StorageOp.CoordinateWrite write) {
        long counter() {
            assertEquals(ACTOR, write.actor(), "written under this node's actor");
            return write.counter();
        }
    }

    private CoordinateWriteCounter startWrite(String key) {
        return new CoordinateWriteCounter((StorageOp.CoordinateWrite) storageEffect(key).operation());
    }

    private long lastTimerId;

    private Effect.Storage storageEffect(String key) {
        return storageEffect(key, CausalContext.EMPTY);
    }

    private Effect.Storage storageEffect(String key, CausalContext context) {
        Effect.Storage storage = null;
        List<Effect> effects = core.step(new Input.ClientWrite(++clientRequestId, Key.of(key), Optional.of(Bytes.utf8("\"v\"")),
                Optional.of(context), 1, false, 1_000, 1), nowMillis);
        for (Effect effect : effects) {
            if (effect instanceof Effect.Storage found) {
                storage = found;
            } else if (effect instanceof Effect.SetTimer timer) {
                lastTimerId = timer.timerId();
            }
        }
        assertEquals(true, storage != null, "the write went to the local engine: " + effects);
        return storage;
    }

    private static NodeCore core(CoreMetrics metrics) {
        Membership membership = new StaticMembership(
                List.of(new Membership.Member(SELF, "x", "x", Membership.Status.UP, OptionalDouble.empty())),
                Ring.allocate(List.of(SELF), 8));
        return new NodeCore(new NodeCoreSettings(SELF, ACTOR, 1, 50), membership, Murmur3Partitioner.INSTANCE::token, metrics);
    }
}
