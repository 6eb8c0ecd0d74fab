package io.kvorum.client;

/**
 * Told about changes the client's background refresh sees. Called on the client's refresh thread,
 * one call at a time; a listener that throws is logged to nowhere and kept. Every method does nothing
 * by default.
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
