package io.kvorum.node.core;

/** The counters the core reports; the runtime backs them with Dropwizard metrics, tests with counts. */
public interface CoreMetrics {
    CoreMetrics NONE = new CoreMetrics() {};

    /** A read or write answered {@code Unavailable}. */
    default void quorumFailed(boolean write) {}

    /** Read repairs sent to stale replicas after a read. */
    default void readRepairsSent(int count) {}

    /** A write was forwarded to a replica because this node is not one. */
    default void writeForwarded() {}

    /** A replica request could not be served because the local engine failed. */
    default void storageFailed() {}
}
