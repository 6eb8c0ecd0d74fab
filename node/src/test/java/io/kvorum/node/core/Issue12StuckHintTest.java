package io.kvorum.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * Regression (found by the simulator's disk errors, seeds 22 and 49 of issue 12): a stand-in whose
 * hint store failed (a failed fsync, after which the hint may well be in the store) left handoff
 * believing the owner's queue was drained, so the hint sat there until another hint for the same
 * owner came along: after the faults stopped, one hint was never handed back.
 */
class Issue12StuckHintTest {
    private static final NodeId SELF = NodeId.of("node-1");
    private static final NodeId OWNER = NodeId.of("node-2");
    private static final NodeId WRITER = NodeId.of("node-3");
    private final NodeCore core = core();
    private long nowMillis = 1_000;

    @Test
    void aFailedHintStoreMakesHandoffLookAtTheOwnersQueueAgain() {
        for (Effect.Storage load : hintLoads(core.step(new Input.Tick(nowMillis), nowMillis))) {
            core.step(new Input.StorageDone(load.operationId(), new StorageResult.HintsLoaded(List.of())), nowMillis);
        }
        nowMillis += 1_000;
        assertEquals(List.of(), hintLoads(core.step(new Input.Tick(nowMillis), nowMillis)), "every queue is drained");

        Siblings state = Siblings.EMPTY.write(new DotIssuer(new Actor(WRITER, 0)), CausalContext.EMPTY,
                Optional.of(Bytes.utf8("\"v\"")), 1, 50).state();
        List<Effect.Storage> stores = storages(core.step(new Input.PeerReceived(WRITER,
                new PeerMessage.ReplicaPutRequest(9, Key.of("k"), state, Optional.of(OWNER))), nowMillis));
        assertEquals(1, stores.size());
        assertTrue(stores.getFirst().operation() instanceof StorageOp.StoreHint, stores.toString());
        core.step(new Input.StorageDone(stores.getFirst().operationId(),
                new StorageResult.Failed("hint for node-2: fsync: Input/output error")), nowMillis);

        nowMillis += 1_000;
        List<Effect.Storage> again = hintLoads(core.step(new Input.Tick(nowMillis), nowMillis));
        assertEquals(1, again.size(), "the hint the failed store may have left behind is looked for: " + again);
        assertEquals(OWNER, ((StorageOp.LoadHints) again.getFirst().operation()).owner());
    }

    private static List<Effect.Storage> hintLoads(List<Effect> effects) {
        return storages(effects).stream().filter(storage -> storage.operation() instanceof StorageOp.LoadHints).toList();
    }

    private static List<Effect.Storage> storages(List<Effect> effects) {
        List<Effect.Storage> storages = new ArrayList<>();
        effects.forEach(effect -> {
            if (effect instanceof Effect.Storage storage) {
                storages.add(storage);
            }
        });
        return storages;
    }

    private static NodeCore core() {
        List<Membership.Member> members = new ArrayList<>();
        for (NodeId id : List.of(SELF, OWNER, WRITER)) {
            members.add(new Membership.Member(id, "x", "x", Membership.Status.UP, OptionalDouble.empty()));
        }
        Membership membership = new StaticMembership(members, Ring.allocate(List.of(SELF, OWNER, WRITER), 8));
        return new NodeCore(new NodeCoreSettings(SELF, new Actor(SELF, 0), 3, 50), membership, Murmur3Partitioner.INSTANCE::token,
                CoreMetrics.NONE);
    }
}
