package io.kvorum.node.message;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which write times an anti-entropy exchange leaves out: whole seconds, in (from, to]. */
class RecentWritesTest {
    private static final RecentWrites WINDOW = RecentWrites.around(1_700_000_010_000L, 5_000); // (..005_000, ..015_000]

    @Test
    void timesAreComparedInWholeSecondsRoundedDown() {
        assertFalse(WINDOW.contains(1_700_000_005_999L), "rounds down to the window's open start");
        assertTrue(WINDOW.contains(1_700_000_006_000L));
        assertTrue(WINDOW.contains(1_700_000_015_999L), "rounds down to the window's closed end");
        assertFalse(WINDOW.contains(1_700_000_016_000L));
    }

    @Test
    void noneLeavesOutNothing() {
        assertFalse(RecentWrites.NONE.contains(0));
        assertFalse(RecentWrites.NONE.contains(1_700_000_010_000L));
    }
}
