package io.kvorum.node.protocol;

import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Sibling;
import java.util.List;

/** What a client read gets. */
public sealed interface ReadOutcome {
    /** The live siblings in dot order and the context covering every version the read merged. */
    record Found(List<Sibling> values, CausalContext context) implements ReadOutcome {
        public Found {
            values = List.copyOf(values);
        }
    }

    /** Nothing live; {@code context} is non-empty when tombstones (or superseded versions) were seen. */
    record NotFound(CausalContext context) implements ReadOutcome {}

    /** Fewer than {@code required} replicas answered; {@code shortfall} says why (see {@link WriteOutcome.Unavailable}). */
    record Unavailable(int required, int acknowledged, Shortfall shortfall) implements ReadOutcome {}
}
