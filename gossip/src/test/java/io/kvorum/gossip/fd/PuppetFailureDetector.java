package io.kvorum.gossip.fd;

import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A failure detector driven by hand, for tests of the code above it (Pekko's puppet detector):
 * monitored peers are available until {@link #markDown}; it records every call it receives.
 */
public final class PuppetFailureDetector implements FailureDetector {
    /** Phi reported for a peer marked down; anything at or above a threshold of 8 would do. */
    public static final double DOWN_PHI = 100.0;

    private final TreeMap<NodeId, Long> lastHeartbeatMillis = new TreeMap<>();
    private final TreeSet<NodeId> down = new TreeSet<>();
    private final List<String> calls = new ArrayList<>();
    private boolean holdingConvictions;

    public void markDown(NodeId peer) {
        down.add(peer);
    }

    public void markUp(NodeId peer) {
        down.remove(peer);
    }

    /** Simulates the local-pause guard: while held, nobody is convicted. */
    public void holdConvictions(boolean hold) {
        holdingConvictions = hold;
    }

    /** Every call, in order, as text such as {@code heartbeat n2 @1500}. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    public boolean isMonitoring(NodeId peer) {
        return lastHeartbeatMillis.containsKey(peer);
    }

    @Override
    public void heartbeat(NodeId peer, long nowMillis) {
        calls.add("heartbeat " + peer + " @" + nowMillis);
        lastHeartbeatMillis.put(peer, nowMillis);
    }

    @Override
    public void tick(long nowMillis) {
        calls.add("tick @" + nowMillis);
    }

    @Override
    public OptionalDouble phi(NodeId peer, long nowMillis) {
        if (!lastHeartbeatMillis.containsKey(peer)) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(down.contains(peer) ? DOWN_PHI : 0.0);
    }

    @Override
    public boolean shouldConvict(NodeId peer, long nowMillis) {
        return lastHeartbeatMillis.containsKey(peer) && down.contains(peer) && !holdingConvictions;
    }

    @Override
    public void remove(NodeId peer) {
        calls.add("remove " + peer);
        lastHeartbeatMillis.remove(peer);
    }
}
