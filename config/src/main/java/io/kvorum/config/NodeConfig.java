package io.kvorum.config;

import io.kvorum.common.NodeId;
import java.nio.file.Path;
import java.time.Duration;

/** This node's identity, data directory, shutdown budget and bound on requests in progress ({@code node.*}). */
public record NodeConfig(NodeId id, Path dataDir, Duration shutdownTimeout, int operationsMax) {
    public NodeConfig {
        ConfigKeys.NODE_ID.check(id);
        ConfigKeys.NODE_DATA_DIR.check(dataDir);
        ConfigKeys.NODE_SHUTDOWN_TIMEOUT.check(shutdownTimeout);
        ConfigKeys.NODE_OPERATIONS_MAX.check(operationsMax);
    }

    /** With the default {@code node.operations-max}. */
    public NodeConfig(NodeId id, Path dataDir, Duration shutdownTimeout) {
        this(id, dataDir, shutdownTimeout, ConfigKeys.NODE_OPERATIONS_MAX_DEFAULT);
    }

    /** {@link #shutdownTimeout()} in milliseconds, the unit the core works in. */
    public long shutdownTimeoutMillis() {
        return shutdownTimeout.toMillis();
    }
}
