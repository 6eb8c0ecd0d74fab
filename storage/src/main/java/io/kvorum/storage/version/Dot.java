package io.kvorum.storage.version;

import io.kvorum.common.Invariants;
import java.util.Comparator;

/** One write event: the {@code counter}-th write of one key coordinated by {@code actor} (counters start at 1). */
public record Dot(Actor actor, long counter) implements Comparable<Dot> {
    private static final Comparator<Dot> ORDER = Comparator.comparing(Dot::actor).thenComparingLong(Dot::counter);

    public Dot {
        Invariants.require(actor != null, "dot actor is null");
        Invariants.require(counter >= 1, "dot counter must be >= 1, got %d", counter);
    }

    @Override
    public int compareTo(Dot other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return actor + ":" + counter;
    }
}
