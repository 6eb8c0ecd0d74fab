package io.kvorum.node.protocol;

import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.KeyLimits;
import java.util.List;

/** What a client write or delete gets. */
public sealed interface WriteOutcome {
    /**
     * Durable on at least w replicas, those in {@code acks} (the write receipt); {@code versionContext}
     * is what the writer has now seen.
     */
    record Written(CausalContext versionContext, List<Ack> acks) implements WriteOutcome {
        public Written {
            acks = List.copyOf(acks);
        }
    }

    /**
     * Fewer than {@code required} replicas acknowledged: {@code acknowledged} had when the
     * coordinator answered, and {@code shortfall} says whether it waited for the deadline or gave up
     * early because too few replicas could take the write (which ones, and why).
     */
    record Unavailable(int required, int acknowledged, Shortfall shortfall) implements WriteOutcome {}

    /** Refused before anything was stored: the write would have taken the key past a limit. */
    record Refused(KeyLimits.Exceeded exceeded) implements WriteOutcome {}
}
