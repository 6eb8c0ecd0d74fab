package io.kvorum.storage.version;

/**
 * Issues the counters of one actor's dots, across all keys, strictly increasing.
 *
 * <p>Why a floor shared by all keys: a key's next dot is one past the highest counter of this actor
 * that the key's state remembers, but pruning may make a key forget an actor entirely; counting from
 * the key alone would then reissue a dot that peers already hold, and they would take the new write
 * for one they had seen (and superseded). Never issuing a counter at or below any counter issued
 * before, for any key, rules that out. Counters of one key become sparse, which is why the
 * coordinator claims its own actor's prefix up to the new dot (see {@link Siblings#write}).
 *
 * <p>The floor lives in memory, so it is only sound within one actor epoch: a node takes a new
 * epoch every time its process starts. A node's core owns the floor and hands each coordinated
 * write one reserved counter as a value ({@link #reserved}), in the order the writes start; the
 * storage worker that applies the write issues it, and the core takes the issued counter back from
 * the result. Writes that reach the disk in that order issue exactly their reservations. One that a
 * later write of the same key overtook issues one above that write's dot, which the key's state
 * shows; that counter may then equal another key's reservation, which is harmless, since a dot names
 * a version of one key only.
 *
 * <p>Not thread-safe: one owner.
 */
public final class DotIssuer {
    private final Actor actor;
    private long last;

    public DotIssuer(Actor actor) {
        this(actor, 0);
    }

    private DotIssuer(Actor actor, long last) {
        this.actor = actor;
        this.last = last;
    }

    /**
     * An issuer for one write whose counter the owner of the floor reserved: it issues
     * {@code counter}, unless the key or the client's context already holds {@code counter} or
     * more of this actor (then one above that, and the owner raises its floor to it).
     */
    public static DotIssuer reserved(Actor actor, long counter) {
        if (counter < 1) {
            throw new IllegalArgumentException("a reserved dot counter must be >= 1, got " + counter);
        }
        return new DotIssuer(actor, counter - 1);
    }

    public Actor actor() {
        return actor;
    }

    /** A counter above both {@code atLeastAbove} and every counter issued before. */
    public long next(long atLeastAbove) {
        last = Math.max(last, atLeastAbove) + 1;
        return last;
    }
}
