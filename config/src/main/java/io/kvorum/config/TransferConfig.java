package io.kvorum.config;

import io.kvorum.common.NodeId;
import java.util.Optional;

/**
 * Membership changes as this node takes part in them ({@code transfer.*}, {@code cluster.replace}):
 * how fast and how many ranges it receives at once, and the dead member it replaces, if any.
 *
 * @param rateBytesPerSecond most bytes per second over all the ranges this node receives
 * @param concurrency ranges received at once
 * @param replace the dead member this node was started to replace
 */
public record TransferConfig(int rateBytesPerSecond, int concurrency, Optional<NodeId> replace) {
    public TransferConfig {
        ConfigKeys.TRANSFER_RATE.check(rateBytesPerSecond);
        ConfigKeys.TRANSFER_CONCURRENCY.check(concurrency);
        ConfigException.requireSet(replace, ConfigKeys.CLUSTER_REPLACE.name());
    }
}
