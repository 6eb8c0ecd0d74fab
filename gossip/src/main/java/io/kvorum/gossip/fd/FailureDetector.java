package io.kvorum.gossip.fd;

import io.kvorum.common.NodeId;
import java.util.OptionalDouble;

/**
 * What the gossip state machine needs from a failure detector; {@link PhiAccrualFailureDetector} in
 * production, a hand-driven puppet in tests of the code above it. Single owner, time passed as data.
 */
public interface FailureDetector {
    /** Records that a heartbeat of {@code peer} arrived at {@code nowMillis}; starts monitoring it. */
    void heartbeat(NodeId peer, long nowMillis);

    /** Records that this node itself ran at {@code nowMillis} (once per gossip round): feeds the local-pause guard. */
    void tick(long nowMillis);

    /** The suspicion level of {@code peer} now; empty when it is not monitored. */
    OptionalDouble phi(NodeId peer, long nowMillis);

    /** True when {@code peer} is monitored, its phi reached the threshold, and no local-pause guard holds convictions back. */
    boolean shouldConvict(NodeId peer, long nowMillis);

    /** Stops monitoring {@code peer} and forgets its history (it restarted, or was removed). */
    void remove(NodeId peer);
}
