package io.kvorum.storage.version;

import java.util.concurrent.atomic.AtomicLong; // sans-io: permitted (shared with the storage workers that run coordinated writes)

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
 * epoch every time its process starts. Thread-safe (engines run updates on worker threads).
 */
public final class DotIssuer {
    private final Actor actor;
    private final AtomicLong last = new AtomicLong();

    public DotIssuer(Actor actor) {
        this.actor = actor;
    }

    public Actor actor() {
        return actor;
    }

    /** A counter above both {@code atLeastAbove} and every counter issued before. */
    public long next(long atLeastAbove) {
        return last.updateAndGet(previous -> Math.max(previous, atLeastAbove) + 1);
    }
}
