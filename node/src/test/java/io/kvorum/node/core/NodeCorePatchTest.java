package io.kvorum.node.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.ScriptedCluster.Reachability;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.ValuePatch;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Sibling;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PATCH in the core, on a {@link ScriptedCluster}: a read with r, the patch applied to the one live
 * value, a write with the read's context and w, all in one client request. The patch here is a
 * stand-in that appends {@code +p} to what it is given (or starts from {@code new}), so each test
 * sees exactly which value was patched.
 */
class NodeCorePatchTest {
    private static final ValuePatch APPEND = current ->
            new ValuePatch.Patched.Value(Bytes.utf8(current.map(Bytes::utf8String).orElse("new") + "+p"));

    private ScriptedCluster cluster = new ScriptedCluster(3, 3);
    private final Key key = Key.of("profile:9");
    private final List<NodeId> replicas = cluster.preferenceList(key);

    @AfterEach
    void leavesNothingBehind() {
        cluster.assertLeavesNothingBehind();
    }

    private PatchOutcome patch(NodeId at, ValuePatch patch, Optional<CausalContext> context) {
        long id = cluster.patch(at, key, patch, context, 2, 2);
        cluster.settle();
        return cluster.patchReply(id);
    }

    private WriteOutcome.Written put(NodeId at, String value, Optional<CausalContext> context) {
        long id = cluster.write(at, key, value, context, 2);
        cluster.settle();
        return assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(id));
    }

    private ReadOutcome get(int r) {
        long id = cluster.read(replicas.get(2), key, r);
        cluster.settle();
        return cluster.readReply(id);
    }

    private static List<String> values(ReadOutcome outcome) {
        return switch (outcome) {
            case ReadOutcome.Found found -> found.values().stream().map(s -> s.value().utf8String()).toList();
            case ReadOutcome.NotFound notFound -> List.of();
            case ReadOutcome.Unavailable unavailable -> throw new AssertionError("unavailable: " + unavailable);
        };
    }

    private static WriteOutcome.Written written(PatchOutcome outcome) {
        PatchOutcome.Applied applied = assertInstanceOf(PatchOutcome.Applied.class, outcome);
        return assertInstanceOf(WriteOutcome.Written.class, applied.write());
    }

    @Test
    void aPatchOfAnAbsentKeyPatchesNothingAndWritesTheResult() {
        written(patch(replicas.get(0), APPEND, Optional.empty()));
        assertEquals(List.of("new+p"), values(get(3)));
    }

    @Test
    void aPatchReplacesTheOneLiveValueOnEveryReplicaThroughAnyCoordinator() {
        cluster = new ScriptedCluster(5, 3);
        List<NodeId> five = cluster.nodes();
        List<NodeId> owners = cluster.preferenceList(key);
        put(owners.get(0), "v0", Optional.empty());
        String expected = "v0";
        for (NodeId coordinator : five) { // two of the five are not replicas: their write is forwarded
            WriteOutcome.Written written = written(patch(coordinator, APPEND, Optional.empty()));
            expected += "+p";
            long id = cluster.read(owners.get(1), key, 3);
            cluster.settle();
            ReadOutcome read = cluster.readReply(id);
            assertEquals(List.of(expected), values(read), "patched through " + coordinator);
            assertTrue(((ReadOutcome.Found) read).context().covers(written.versionContext()));
        }
        for (NodeId owner : owners) {
            assertEquals(1, cluster.state(owner, key).siblings().size(), owner + " kept a superseded version");
        }
    }

    @Test
    void siblingsAreAConflictThatWritesNothingAndAPutWithItsContextResolves() {
        put(replicas.get(0), "a", Optional.empty());
        put(replicas.get(1), "b", Optional.empty());
        List<Sibling> before = cluster.state(replicas.get(0), key).siblings();

        PatchOutcome.Conflict conflict = assertInstanceOf(PatchOutcome.Conflict.class,
                patch(replicas.get(2), APPEND, Optional.empty()));

        assertFalse(conflict.changedSinceContext());
        assertEquals(List.of("a", "b"), conflict.values().stream().map(s -> s.value().utf8String()).sorted().toList());
        assertEquals(before, cluster.state(replicas.get(0), key).siblings(), "a conflicting PATCH changed stored data");
        put(replicas.get(2), "ab", Optional.of(conflict.context()));
        written(patch(replicas.get(1), APPEND, Optional.empty()));
        assertEquals(List.of("ab+p"), values(get(3)));
    }

    @Test
    void aClientContextIsAPreconditionThatTheKeyDidNotChangeSince() {
        WriteOutcome.Written first = put(replicas.get(0), "v1", Optional.empty());
        CausalContext seen = ((ReadOutcome.Found) get(2)).context();
        put(replicas.get(1), "v2", Optional.of(first.versionContext()));

        PatchOutcome.Conflict stale = assertInstanceOf(PatchOutcome.Conflict.class,
                patch(replicas.get(0), APPEND, Optional.of(seen)));
        assertTrue(stale.changedSinceContext());
        assertEquals(List.of("v2"), stale.values().stream().map(s -> s.value().utf8String()).toList());
        assertEquals(List.of("v2"), values(get(3)), "a failed precondition wrote nothing");

        written(patch(replicas.get(0), APPEND, Optional.of(stale.context())));
        assertEquals(List.of("v2+p"), values(get(3)));
    }

    @Test
    void aPatchedValueOverTheLimitIsRefusedAndWritesNothing() {
        put(replicas.get(0), "v1", Optional.empty());
        PatchOutcome.TooLarge tooLarge = assertInstanceOf(PatchOutcome.TooLarge.class,
                patch(replicas.get(1), current -> new ValuePatch.Patched.TooLarge(2_000_000, 1_048_576), Optional.empty()));
        assertEquals(1_048_576, tooLarge.limitBytes());
        assertEquals(List.of("v1"), values(get(3)));
    }

    @Test
    void aReadThatMissesItsQuorumFailsThePatchBeforeAnythingIsWritten() {
        put(replicas.get(0), "v1", Optional.empty());
        cluster.reachability(replicas.get(1), Reachability.REFUSING);
        cluster.reachability(replicas.get(2), Reachability.REFUSING);
        PatchOutcome.ReadUnavailable unavailable = assertInstanceOf(PatchOutcome.ReadUnavailable.class,
                patch(replicas.get(0), APPEND, Optional.empty()));
        assertEquals(2, unavailable.required());
        cluster.reachability(replicas.get(1), Reachability.UP);
        cluster.reachability(replicas.get(2), Reachability.UP);
        assertEquals(List.of("v1"), values(get(3)));
    }

    @Test
    void aWriteTheReadDidNotSeeSurvivesAsASibling() {
        put(replicas.get(0), "v1", Optional.empty());
        long patchId = cluster.patch(replicas.get(0), key, APPEND, Optional.empty(), 2, 2);
        // Only the read's messages are delivered; a blind write lands before the patch's write starts.
        cluster.deliverWhere(envelope -> envelope.message() instanceof io.kvorum.node.message.PeerMessage.ReplicaGetRequest
                || envelope.message() instanceof io.kvorum.node.message.PeerMessage.ReplicaGetResponse
                || envelope.message() instanceof io.kvorum.node.message.PeerMessage.ReplicaDigestResponse);
        long concurrent = cluster.write(replicas.get(1), key, "concurrent", Optional.empty(), 2);
        cluster.settle();
        written(cluster.patchReply(patchId));
        assertInstanceOf(WriteOutcome.Written.class, cluster.writeReply(concurrent));
        assertEquals(List.of("concurrent", "v1+p"), values(get(3)).stream().sorted().toList());
    }
}
