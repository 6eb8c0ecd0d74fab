package io.kvorum.config;

import io.kvorum.common.NodeId;
import java.nio.file.Path;
import java.time.Duration;

/** This node's identity, data directory and shutdown budget ({@code node.*}). */
public record NodeConfig(NodeId id, Path dataDir, Duration shutdownTimeout) {
    public NodeConfig {
        ConfigKeys.NODE_ID.check(id);
        ConfigKeys.NODE_DATA_DIR.check(dataDir);
        ConfigKeys.NODE_SHUTDOWN_TIMEOUT.check(shutdownTimeout);
    }

    /** {@link #shutdownTimeout()} in milliseconds, the unit the core works in. */
    public long shutdownTimeoutMillis() {
        return shutdownTimeout.toMillis();
    }
}
