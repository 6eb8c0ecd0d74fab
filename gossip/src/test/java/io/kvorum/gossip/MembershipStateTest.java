package io.kvorum.gossip;

import static io.kvorum.gossip.Fixtures.id;
import static io.kvorum.gossip.Fixtures.info;
import static io.kvorum.gossip.Fixtures.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MembershipStateTest {
    @Test
    void snapshotsAreOrderedByIdAndImmutable() {
        MembershipState s = MembershipState.of(List.of(state("c", 1, 1, 1), state("a", 1, 1, 1), state("b", 1, 1, 1)));
        assertEquals(List.of(id("a"), id("b"), id("c")), s.ids());
        assertThrows(UnsupportedOperationException.class, () -> s.members().clear());
        assertThrows(UnsupportedOperationException.class, () -> s.digests().clear());
        MembershipState more = s.with(state("d", 1, 1, 1));
        assertEquals(3, s.size());
        assertEquals(4, more.size());
        assertThrows(IllegalArgumentException.class, () -> MembershipState.of(List.of(state("a", 1, 1, 1), state("a", 2, 1, 1))));
    }

    @Test
    void mergeReturnsTheSameSnapshotWhenNothingIsNewer() {
        MembershipState s = MembershipState.of(List.of(state("a", 1, 5, 1)));
        assertSame(s, s.merge(new MemberUpdate(id("a"), 1, 4, Optional.empty())));
        MembershipState merged = s.merge(new MemberUpdate(id("a"), 1, 6, Optional.empty()));
        assertNotSame(s, merged);
        assertEquals(6, merged.member(id("a")).orElseThrow().heartbeat());
        assertEquals(5, s.member(id("a")).orElseThrow().heartbeat(), "the original is unchanged");
    }

    @Test
    void ringTokensComeFromMembersThatOwnThem() {
        MembershipState s = MembershipState.of(List.of(
                new MemberState(id("joining"), 1, 1, info(Status.JOINING, 1)),
                new MemberState(id("up"), 1, 1, info(Status.UP, 1)),
                new MemberState(id("leaving"), 1, 1, info(Status.LEAVING, 1)),
                new MemberState(id("stopped"), 1, 1, info(Status.DOWN, 1)),
                new MemberState(id("removed"), 2, 0, info(Status.REMOVED, 0))));
        assertEquals(List.of(id("leaving"), id("stopped"), id("up")), List.copyOf(s.ringTokens().keySet()));
        assertEquals(List.of(1L, 2L), s.ringTokens().get(id("up")));
        assertTrue(s.equals(MembershipState.of(s.members())));
    }
}
