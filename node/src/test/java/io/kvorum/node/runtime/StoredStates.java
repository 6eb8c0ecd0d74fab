package io.kvorum.node.runtime;

import io.kvorum.common.Key;
import io.kvorum.config.KvorumConfig;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.storage.version.Siblings;

/** Reads what a stopped node's engine holds, for integration tests that check every replica, not a quorum's answer. */
public final class StoredStates {
    private StoredStates() {}

    /** The state of {@code key} in the data directory of the node {@code config} describes; the node must not be running. */
    public static Siblings read(KvorumConfig config, Key key) {
        NodeStorage storage = NodeStorage.open(config, Murmur3Partitioner.INSTANCE);
        try {
            return storage.engine().get(key);
        } finally {
            storage.close();
        }
    }
}
