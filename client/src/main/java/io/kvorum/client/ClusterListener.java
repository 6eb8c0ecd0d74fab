package io.kvorum.client;

/**
 * Told about changes the client sees: by its background refresh (on the refresh thread), or when a
 * request finds a member unreachable (on that request's thread). One call at a time, in order; keep
 * it quick. A listener that throws loses the rest of that batch of events and is still called for
 * later ones. Every method does nothing by default.
 */
public interface ClusterListener {
    /** A member the client did not know (including every member of the first discovery). */
    default void onMemberAdded(Member member) {}

    /** A member no node lists any more. */
    default void onMemberRemoved(Member member) {}

    /** A member the client will send requests to again. */
    default void onMemberUp(Member member) {}

    /** A member the client stops sending requests to (suspected by the cluster, or unreachable from here). */
    default void onMemberDown(Member member) {}

    /** The ring changed (first learned, or tokens moved): routing now follows {@code nodes} new owners. */
    default void onRingChanged(int nodes, int tokens) {}
}
