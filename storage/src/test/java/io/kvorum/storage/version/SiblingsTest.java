package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static io.kvorum.storage.version.VersionFixtures.contextOf;
import static io.kvorum.storage.version.VersionFixtures.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Scenarios of clients writing through coordinators {@code node-a} and {@code node-b}. */
class SiblingsTest {
    private static final Actor NODE_A = actor("node-a");
    private static final Actor NODE_B = actor("node-b");
    private static final CausalContext NO_CONTEXT = CausalContext.EMPTY;

    private static Siblings.NewVersion put(Siblings state, Actor coordinator, CausalContext context, String value) {
        return state.write(issuer(coordinator), context, Optional.of(bytes(value)), 100, NO_PRUNING);
    }

    private static Siblings.NewVersion delete(Siblings state, Actor coordinator, CausalContext context) {
        return state.write(issuer(coordinator), context, Optional.empty(), 100, NO_PRUNING);
    }

    private static List<String> values(Siblings state) {
        return state.live().stream().map(s -> s.value().utf8String()).toList();
    }

    // ---- writes through one coordinator ----

    @Test
    void blindWritesThroughOneCoordinatorBothSurvive() {
        Siblings state = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state();
        state = put(state, NODE_A, NO_CONTEXT, "y").state();

        assertEquals(List.of("x", "y"), values(state));
    }

    @Test
    void writeWithAContextCoveringBothSiblingsResolvesThem() {
        Siblings state = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state();
        state = put(state, NODE_A, NO_CONTEXT, "y").state();

        Siblings resolved = put(state, NODE_A, state.context(), "z").state();

        assertEquals(List.of("z"), values(resolved));
        assertEquals(1, resolved.siblings().size());
    }

    @Test
    void newDotIsTheNextCounterOfTheCoordinatorForThisKey() {
        Siblings.NewVersion first = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x");
        CausalContext aheadOfReplica = contextOf(dot(NODE_A, 1), dot(NODE_A, 2), dot(NODE_A, 3));

        assertEquals(dot(NODE_A, 1), first.dot());
        assertEquals(dot(NODE_A, 2), put(first.state(), NODE_A, NO_CONTEXT, "y").dot());
        assertEquals(dot(NODE_A, 4), put(first.state(), NODE_A, aheadOfReplica, "y").dot(), "the client saw up to A:3");
    }

    @Test
    void twoClientsWithTheSameStaleContextThroughTheSameCoordinatorBothSurvive() {
        Siblings start = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "v0").state();
        CausalContext stale = start.context();

        Siblings.NewVersion first = put(start, NODE_A, stale, "v1");
        Siblings.NewVersion second = put(first.state(), NODE_A, stale, "v2");

        assertEquals(List.of("v1", "v2"), values(second.state()), "both survive, in dot order; v0 is superseded");
    }

    @Test
    void sameStaleContextThroughTwoCoordinatorsBothSurviveTheMerge() {
        Siblings start = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "v0").state();
        CausalContext stale = start.context();

        Siblings atA = put(start, NODE_A, stale, "v1").state();
        Siblings atB = put(start, NODE_B, stale, "v2").state();

        assertEquals(List.of("v1", "v2"), values(atA.merge(atB, NO_PRUNING)));
        assertEquals(atA.merge(atB, NO_PRUNING), atB.merge(atA, NO_PRUNING));
    }

    @Test
    void versionContextOfTheSecondWriteDoesNotCoverTheFirst() {
        Siblings start = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "v0").state();
        CausalContext stale = start.context();
        Siblings.NewVersion first = put(start, NODE_A, stale, "v1");
        Siblings.NewVersion second = put(first.state(), NODE_A, stale, "v2");

        assertFalse(second.versionContext().contains(first.dot()));
        assertEquals(stale.add(second.dot(), 100), second.versionContext(), "client context plus the new dot");
        Siblings later = put(second.state(), NODE_A, second.versionContext(), "v3").state();
        assertEquals(List.of("v1", "v3"), values(later), "v1 was never seen by the writer of v3");
    }

    // ---- deletes ----

    @Test
    void deleteWithAContextLeavesNoLiveValueButAContext() {
        Siblings state = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state();

        Siblings deleted = delete(state, NODE_A, state.context()).state();

        assertFalse(deleted.hasLiveValue());
        assertTrue(deleted.live().isEmpty());
        assertFalse(deleted.context().isEmpty());
        assertFalse(deleted.isEmpty());
    }

    @Test
    void writeAfterDeleteWithItsContextLeavesOneLiveValue() {
        Siblings state = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state();
        Siblings deleted = delete(state, NODE_A, state.context()).state();

        Siblings rewritten = put(deleted, NODE_A, deleted.context(), "y").state();

        assertEquals(List.of("y"), values(rewritten));
        assertEquals(1, rewritten.siblings().size(), "the tombstone is superseded");
    }

    @Test
    void writeAfterDeleteWithoutContextKeepsTheTombstoneAsASibling() {
        Siblings state = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state();
        Siblings deleted = delete(state, NODE_A, state.context()).state();

        Siblings rewritten = put(deleted, NODE_A, NO_CONTEXT, "y").state();

        assertEquals(2, rewritten.siblings().size());
        assertTrue(rewritten.siblings().get(0).tombstone());
        assertEquals(List.of("y"), values(rewritten), "a tombstone is not live");
        assertTrue(rewritten.hasLiveValue());
    }

    // ---- merge ----

    @Test
    void mergePreservesAcknowledgedConcurrentWrites() {
        Siblings atA = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "a1").state();
        atA = put(atA, NODE_A, NO_CONTEXT, "a2").state();
        Siblings atB = put(Siblings.EMPTY, NODE_B, NO_CONTEXT, "b1").state();

        Siblings merged = atA.merge(atB, NO_PRUNING);

        assertEquals(List.of("a1", "a2", "b1"), values(merged));
        assertEquals(merged, merged.merge(atA, NO_PRUNING), "merging an older state again changes nothing");
    }

    @Test
    void mergeDropsWhatTheOtherSideSuperseded() {
        Siblings old = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "v0").state();
        Siblings newer = put(old, NODE_B, old.context(), "v1").state();

        assertEquals(List.of("v1"), values(old.merge(newer, NO_PRUNING)));
        assertEquals(List.of("v1"), values(newer.merge(old, NO_PRUNING)));
    }

    @Test
    void mergeWithEmptyIsTheIdentity() {
        Siblings state = put(put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state(), NODE_B, NO_CONTEXT, "y").state();

        assertEquals(state, state.merge(Siblings.EMPTY, NO_PRUNING));
        assertEquals(state, Siblings.EMPTY.merge(state, NO_PRUNING));
    }

    @Test
    void mergeIsCommutativeAssociativeAndIdempotent() {
        Seeds.forEach(0x5B_0001L, 300, (seed, random) -> {
            List<Siblings> replicas = VersionFixtures.randomReplicas(random, 3, 1 + random.nextInt(30));
            Siblings a = replicas.get(0);
            Siblings b = replicas.get(1);
            Siblings c = replicas.get(2);
            assertEquals(a.merge(b, NO_PRUNING), b.merge(a, NO_PRUNING), "commutative");
            assertEquals(a.merge(b, NO_PRUNING).merge(c, NO_PRUNING), a.merge(b.merge(c, NO_PRUNING), NO_PRUNING), "associative");
            assertEquals(a, a.merge(a, NO_PRUNING), "idempotent");
        });
    }

    @Test
    void mergeOfADotReissuedWithOtherContentFailsLoudly() {
        Siblings one = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "x").state();
        Siblings other = put(Siblings.EMPTY, NODE_A, NO_CONTEXT, "not x").state();

        assertThrows(IllegalStateException.class, () -> one.merge(other, NO_PRUNING));
    }

    // ---- invariants ----

    @Test
    void constructorRejectsUnsortedSiblings() {
        CausalContext context = contextOf(dot(NODE_A, 1), dot(NODE_A, 2));
        List<Sibling> unsorted = List.of(sibling(dot(NODE_A, 2)), sibling(dot(NODE_A, 1)));

        assertThrows(IllegalArgumentException.class, () -> new Siblings(context, unsorted));
    }

    @Test
    void constructorRejectsDuplicateDots() {
        CausalContext context = contextOf(dot(NODE_A, 1));
        List<Sibling> twice = List.of(sibling(dot(NODE_A, 1)), sibling(dot(NODE_A, 1)));

        assertThrows(IllegalArgumentException.class, () -> new Siblings(context, twice));
    }

    @Test
    void constructorRejectsASiblingOutsideTheContext() {
        CausalContext context = contextOf(dot(NODE_A, 1));

        assertThrows(IllegalArgumentException.class, () -> new Siblings(context, List.of(sibling(dot(NODE_A, 2)))));
        assertThrows(IllegalArgumentException.class, () -> new Siblings(context, List.of(sibling(dot(NODE_B, 1)))));
    }

    private static Sibling sibling(Dot dot) {
        return Sibling.value(dot, Bytes.utf8("v"), 0);
    }

    // ---- pruning ----

    @Test
    void pruningDropsTheActorsSeenLongestAgo() {
        Siblings state = Siblings.EMPTY;
        for (int i = 0; i < 4; i++) {
            state = state.write(issuer(actor("node-" + i)), state.context(), Optional.of(bytes("v" + i)), 100 + i, 2).state();
        }

        assertEquals(List.of(actor("node-2"), actor("node-3")), List.copyOf(state.context().entries().keySet()));
        assertEquals(List.of("v3"), values(state));
    }

    @Test
    void pruningNeverDropsAnActorWithALiveSibling() {
        Siblings state = Siblings.EMPTY;
        for (int i = 0; i < 4; i++) {
            state = state.write(issuer(actor("node-" + i)), NO_CONTEXT, Optional.of(bytes("v" + i)), 100 + i, 2).state();
        }

        assertEquals(4, state.context().actorCount(), "all four blind writes are still siblings");
        assertEquals(List.of("v0", "v1", "v2", "v3"), values(state));
    }

    @Test
    void pruningOnMergeIsDeterministic() {
        Siblings atA = Siblings.EMPTY;
        Siblings atB = Siblings.EMPTY;
        for (int i = 0; i < 3; i++) {
            atA = atA.write(issuer(actor("node-a" + i)), atA.context(), Optional.of(bytes("a" + i)), 10 + i, 3).state();
            atB = atB.write(issuer(actor("node-b" + i)), atB.context(), Optional.of(bytes("b" + i)), 20 + i, 3).state();
        }

        Siblings merged = atA.merge(atB, 3);

        assertEquals(merged, atB.merge(atA, 3));
        assertEquals(List.of(actor("node-a2"), actor("node-b1"), actor("node-b2")), List.copyOf(merged.context().entries().keySet()));
    }
}
