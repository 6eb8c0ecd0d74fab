package io.kvorum.client;

import java.util.List;

/**
 * Turns a key's siblings into one value (riak-java-client's {@code ConflictResolver}); called by
 * {@code update} only when there are two or more. A set might take the union, a counter the largest.
 */
@FunctionalInterface
public interface ConflictResolver<T> {
    /** One value standing for all of {@code siblings} (at least two, in the node's order). */
    T resolve(List<T> siblings);

    /** A resolver that keeps the first sibling: for values where any one will do. */
    static <T> ConflictResolver<T> first() {
        return siblings -> siblings.get(0);
    }
}
