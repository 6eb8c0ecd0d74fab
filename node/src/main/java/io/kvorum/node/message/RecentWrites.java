package io.kvorum.node.message;

/**
 * The keys an anti-entropy exchange leaves out: those whose newest version was stamped in
 * {@code (fromWallMillis, toWallMillis]}, i.e. written in the last few seconds by the initiator's
 * clock. The initiator fixes the window and sends it, so both sides leave out exactly the same keys
 * of equal states; a write still on its way to one replica then makes no leaf differ (issue 16: 33
 * of 40 exchanges of a YCSB run differed only by writes in flight, and shipped whole leaves both
 * ways). The window is bounded on both sides, so a version stamped by a clock far ahead is not left
 * out for longer than the window is wide; a key left out is compared by the next exchange.
 */
public record RecentWrites(long fromWallMillis, long toWallMillis) {
    /** Leaves out nothing. */
    public static final RecentWrites NONE = new RecentWrites(0, 0);

    public RecentWrites {
        if (toWallMillis < fromWallMillis) {
            throw new IllegalArgumentException("a recent-writes window ends before it starts: " + fromWallMillis + ".." + toWallMillis);
        }
    }

    /** The window of {@code quietMillis} either side of the wall time {@code wallMillis}. */
    public static RecentWrites around(long wallMillis, long quietMillis) {
        return new RecentWrites(wallMillis - quietMillis, wallMillis + quietMillis);
    }

    /**
     * True when a state last written at {@code newestWallMillis} ({@link io.kvorum.storage.version.Siblings#newestWallMillis},
     * tombstones and context included) lies in the window, with the time rounded down to the whole
     * second: the storage engine keeps each key's time in seconds, and both sides of an exchange
     * must leave out the same keys whether they read the time from there or from the state.
     */
    public boolean contains(long newestWallMillis) {
        if (fromWallMillis == toWallMillis) {
            return false;
        }
        long newest = Math.floorDiv(newestWallMillis, 1000) * 1000;
        return newest > fromWallMillis && newest <= toWallMillis;
    }
}
