package io.kvorum.node.protocol;

import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Sibling;
import java.util.List;

/** What a client PATCH (read, apply, write in one request) gets. */
public sealed interface PatchOutcome {
    /** The patched value was written (or the write failed): the write's own outcome. */
    record Applied(WriteOutcome write) implements PatchOutcome {}

    /**
     * Nothing was written: the key holds several siblings ({@code values}, in dot order), so there is
     * no one value to patch, or the client's context does not cover what the read found (the key
     * changed since the client read it). {@code context} covers everything the read saw, so a PUT
     * with it resolves the conflict.
     */
    record Conflict(List<Sibling> values, CausalContext context, boolean changedSinceContext) implements PatchOutcome {
        public Conflict {
            values = List.copyOf(values);
        }
    }

    /** The read before the write did not reach {@code required} replicas; nothing was written. */
    record ReadUnavailable(int required, int acknowledged, Shortfall shortfall) implements PatchOutcome {}

    /** The patched value would exceed the value size limit; nothing was written. */
    record TooLarge(long bytes, long limitBytes) implements PatchOutcome {}
}
