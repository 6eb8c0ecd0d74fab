package io.kvorum.node.core;

import io.kvorum.node.message.PeerMessage.ForwardWriteResponse;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.WriteOutcome;
import java.util.List;
import java.util.Optional;

/** A forwarded write's outcome on the wire: the replica's {@link WriteOutcome} as a {@link ForwardWriteResponse}, and back. */
final class ForwardedWrites {
    private ForwardedWrites() {}

    /** What the replica that coordinated the forwarded write decided. */
    static WriteOutcome outcomeOf(ForwardWriteResponse response) {
        if (response.versionContext().isPresent()) {
            return new WriteOutcome.Written(response.versionContext().get(), response.acks());
        } else if (response.refused().isPresent()) {
            return new WriteOutcome.Refused(response.refused().get());
        }
        return new WriteOutcome.Unavailable(response.required(), response.acknowledged(), response.shortfall());
    }

    /** The answer to the forwarding node's request {@code requestId}. */
    static ForwardWriteResponse responseOf(long requestId, WriteOutcome outcome) {
        return switch (outcome) {
            case WriteOutcome.Written written -> new ForwardWriteResponse(requestId, Optional.of(written.versionContext()),
                    written.acks(), 0, 0, new Shortfall(false, List.of()));
            case WriteOutcome.Unavailable unavailable -> new ForwardWriteResponse(requestId, Optional.empty(), List.of(),
                    unavailable.required(), unavailable.acknowledged(), unavailable.shortfall());
            case WriteOutcome.Refused refused -> new ForwardWriteResponse(requestId, Optional.empty(), List.of(), 0, 0,
                    new Shortfall(false, List.of()), Optional.of(refused.exceeded()));
        };
    }
}
