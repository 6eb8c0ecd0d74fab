package io.kvorum.http;

import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The outcome of a PUT or DELETE, mapped to 200 / 400 / 409 / 413 / 503 by the router. */
public sealed interface WriteResult {
    /**
     * Stored durably on at least {@code w} replicas; {@code context} is the new version's, and
     * {@code replicas} lists the nodes that had acknowledged when the write was answered, in the
     * service's order, each node at most once.
     */
    record Written(Key key, String context, List<Receipt> replicas) implements WriteResult {
        public Written {
            replicas = List.copyOf(replicas);
            Set<NodeId> seen = new HashSet<>(); // lookups only: the order that is rendered is the list's
            for (Receipt receipt : replicas) {
                Invariants.require(seen.add(receipt.node()), "replicas lists %s twice: %s", receipt.node(), replicas);
            }
        }
    }

    /**
     * Fewer than {@code required} replicas acknowledged ({@code acknowledged} had when the service
     * answered); {@code shortfall} says why. The write may still exist on some replicas.
     */
    record Unavailable(int required, int acknowledged, QuorumShortfall shortfall) implements WriteResult {}

    /**
     * Refused before anything was stored: the write would have left the key with {@code actual}
     * siblings or bytes where the node's {@code limit} allows {@code max}.
     */
    record LimitExceeded(KeyLimit limit, long actual, long max) implements WriteResult {}

    /** A per-key limit, named by its configuration key. */
    enum KeyLimit {
        /** {@code storage.siblings-max}: 409 {@code too_many_siblings}. */
        SIBLINGS("storage.siblings-max"),
        /** {@code storage.key-bytes-max}: 413 {@code key_too_large}. */
        BYTES("storage.key-bytes-max");

        private final String configKey;

        KeyLimit(String configKey) {
            this.configKey = configKey;
        }

        public String configKey() {
            return configKey;
        }
    }

    /** The client's context could not be decoded; nothing was written. */
    record InvalidContext(String message) implements WriteResult {}
}
