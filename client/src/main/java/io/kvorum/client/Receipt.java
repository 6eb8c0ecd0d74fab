package io.kvorum.client;

import java.util.Optional;

/**
 * One acknowledgement in a write's receipt: a node that stored the write, as a {@code primary} (one of
 * the key's preferred replicas) or a {@code fallback} holding it as a hint for {@code forNode}.
 */
public record Receipt(String node, String role, Optional<String> forNode) {
    /** Whether the node is one of the key's own replicas. */
    public boolean isPrimary() {
        return role.equals("primary");
    }
}
