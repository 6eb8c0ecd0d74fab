package io.kvorum.client;

import java.util.List;

/**
 * A successful write or delete: the key, the context of the new version (pass it to the next write to
 * supersede this one) and the receipt, the nodes that had acknowledged when the coordinator answered.
 */
public record Written(String key, String context, List<Receipt> replicas) {
    /** Copies the receipt. */
    public Written {
        replicas = List.copyOf(replicas);
    }
}
