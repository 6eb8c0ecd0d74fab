package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Regression: once pruning made a key forget a coordinator's actor, that coordinator counted the
 * key's dots from 1 again and reissued a dot a stale replica still remembered, so merging with it
 * dropped the new, acknowledged write. Found by the storage test suite while building issue 2.
 */
class PrunedActorDotReuseTest {
    private static final int MAX_ACTORS = 2;

    @Test
    void aCoordinatorWhoseActorWasPrunedNeverReissuesADot() {
        DotIssuer a = new DotIssuer(actor("node-a"));
        DotIssuer b = new DotIssuer(actor("node-b"));
        DotIssuer c = new DotIssuer(actor("node-c"));

        Siblings.NewVersion old = Siblings.EMPTY.write(a, CausalContext.EMPTY, Optional.of(bytes("old")), 1, MAX_ACTORS);
        Siblings afterB = old.state().write(b, old.state().context(), Optional.of(bytes("b")), 2, MAX_ACTORS).state();
        Siblings staleReplica = afterB;
        Siblings afterC = afterB.write(c, afterB.context(), Optional.of(bytes("c")), 3, MAX_ACTORS).state();
        assertEquals(0, afterC.context().maxCounter(a.actor()), "precondition: node-a was pruned from the key");

        Siblings.NewVersion fresh = afterC.write(a, afterC.context(), Optional.of(bytes("new")), 4, MAX_ACTORS);
        assertNotEquals(old.dot(), fresh.dot(), "node-a reissued a dot");

        Siblings merged = fresh.state().merge(staleReplica, MAX_ACTORS);
        List<String> values = merged.live().stream().map(s -> s.value().utf8String()).toList();
        assertEquals(true, values.contains("new"), "the acknowledged write was lost: " + values);
        assertEquals(false, values.contains("old"), "the superseded write came back: " + values);
    }
}
