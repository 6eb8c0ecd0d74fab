package io.kvorum.storage.hint;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.List;

/**
 * The hints a stand-in holds for the owners it wrote for (Dynamo §4.6): one bounded queue per
 * intended owner, read oldest first and trimmed as deliveries are acknowledged.
 *
 * <p>Contract (checked by {@code HintsContract} for every implementation): ids grow with every
 * append, for the store's whole life (a durable store's across restarts too), so an owner's hints
 * come back in the order they were stored; {@link #append} refuses, storing nothing, once the owner
 * holds {@link #capPerOwner()} hints; deleting an id that is not stored (unknown, already deleted,
 * or another owner's) does nothing. Implementations are thread-safe.
 */
public interface Hints extends AutoCloseable {
    /** A stored hint and the id that {@link #delete} takes. */
    record Entry(long id, Hint hint) {
        public Entry {
            Invariants.require(hint != null, "entry %d has no hint", id);
        }
    }

    /** Stores {@code hint}; false, and nothing stored, when its owner already holds {@link #capPerOwner()} hints. */
    boolean append(Hint hint);

    /** Up to {@code max} (>= 0) of the owner's hints, oldest first; empty when it has none. */
    List<Entry> hintsFor(NodeId owner, int max);

    /** Deletes the owner's delivered hints with these ids, durably as the store's sync policy says; absent ids are skipped. */
    void delete(NodeId owner, List<Long> ids);

    /** How many hints wait for {@code owner}. */
    int count(NodeId owner);

    /** How many hints wait, summed over all owners. */
    long total();

    /** The owners with hints waiting, sorted. */
    List<NodeId> owners();

    /** Most hints held for one owner; {@link #append} refuses beyond it. */
    int capPerOwner();

    @Override
    void close();
}
