package io.kvorum.gossip.fd;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The phi-accrual failure detector [1] for all peers of one node, as Akka/Pekko's with Cassandra's
 * two guards.
 *
 * <p><b>Design note.</b> Instead of a yes/no verdict after a fixed timeout, the detector outputs phi,
 * a continuous suspicion level: with inter-arrival times modelled as normal with the window's mean
 * and deviation, phi = -log10 P(a heartbeat arrives later than the current silence) ({@link PhiMath}).
 * The caller picks a threshold (default 8: a 10^-8 chance of being wrong under the model), and the
 * detector adapts to each peer's actual rhythm: a peer whose heartbeats arrive irregularly (gossip
 * relays them via random paths) gets a wider distribution and is convicted later.
 * <ul>
 *   <li>Per peer, an immutable {@link HeartbeatHistory} and the time of the last arrival. The first
 *       arrival seeds the history with Pekko's guess, the intervals {@code est - est/4} and
 *       {@code est + est/4} (mean {@code est}, deviation {@code est/4}), so phi is defined from the
 *       first heartbeat on.</li>
 *   <li>Pekko's two adjustments: the deviation is floored at {@code minStdDeviationMillis}, and the
 *       mean is shifted by {@code acceptableHeartbeatPauseMillis}.</li>
 *   <li>Cassandra guard 1 ({@code ArrivalWindow}, {@code fd_max_interval_ms}): intervals longer than
 *       {@code maxIntervalMillis} are recorded as {@code maxIntervalMillis}, so one outage does not
 *       poison the window (a 60 s gap would otherwise raise the deviation for a thousand samples and
 *       make the next failure slow to detect). Cassandra drops such intervals; capping keeps the
 *       fact that a long gap happened while bounding its weight.</li>
 *   <li>Cassandra guard 2 ({@code FailureDetector.interpret}, {@code max_local_pause_in_ms}): the
 *       owner calls {@link #tick} every round. When two ticks are more than {@code maxLocalPauseMillis}
 *       apart, this node was paused (GC, a suspended VM) and every peer's silence is an artefact of
 *       that, so {@link #shouldConvict} answers false for {@code maxLocalPauseMillis} after the pause
 *       is noticed, which gives gossip time to bring fresh heartbeats in.</li>
 * </ul>
 * Failure behaviour: an unmonitored peer has no phi and is never convicted (Pekko treats unmanaged
 * connections as healthy); the detector only ranks silence, it does not decide membership.
 *
 * <p>Not thread-safe: one owner (the gossip state machine) calls every method. Time is data: no
 * method reads a clock; {@code nowMillis} comes from the driver's monotonic clock.
 *
 * <p>[1] N. Hayashibara, X. Défago, R. Yared, T. Katayama, "The phi accrual failure detector",
 * SRDS 2004. [2] Akka/Pekko {@code PhiAccrualFailureDetector}. [3] Apache Cassandra
 * {@code org.apache.cassandra.gms.FailureDetector} and {@code ArrivalWindow}.
 */
public final class PhiAccrualFailureDetector implements FailureDetector {
    /** One monitored peer: its window and when its last heartbeat arrived. */
    private record PeerState(HeartbeatHistory history, long lastHeartbeatMillis) {}

    private final FailureDetectorSettings settings;
    private final TreeMap<NodeId, PeerState> peers = new TreeMap<>();
    private long lastTickMillis = Long.MIN_VALUE;
    private long pauseNoticedAtMillis = Long.MIN_VALUE;

    public PhiAccrualFailureDetector(FailureDetectorSettings settings) {
        this.settings = settings;
    }

    public FailureDetectorSettings settings() {
        return settings;
    }

    @Override
    public void heartbeat(NodeId peer, long nowMillis) {
        PeerState state = peers.get(peer);
        if (state == null) {
            peers.put(peer, new PeerState(firstHistory(), nowMillis));
            return;
        }
        // A late reordered arrival must not produce a negative interval.
        long interval = Math.max(0, nowMillis - state.lastHeartbeatMillis());
        long recorded = Math.min(interval, settings.maxIntervalMillis());
        peers.put(peer, new PeerState(state.history().add(recorded),
                Math.max(nowMillis, state.lastHeartbeatMillis())));
    }

    @Override
    public void tick(long nowMillis) {
        if (lastTickMillis != Long.MIN_VALUE && nowMillis - lastTickMillis > settings.maxLocalPauseMillis()) {
            pauseNoticedAtMillis = nowMillis;
        }
        lastTickMillis = Math.max(lastTickMillis, nowMillis);
    }

    @Override
    public OptionalDouble phi(NodeId peer, long nowMillis) {
        PeerState state = peers.get(peer);
        if (state == null) {
            return OptionalDouble.empty();
        }
        HeartbeatHistory history = state.history();
        Invariants.check(!history.isEmpty(), "monitored peer %s has an empty history", peer);
        double timeDiff = Math.max(0, nowMillis - state.lastHeartbeatMillis());
        double mean = history.meanMillis() + settings.acceptableHeartbeatPauseMillis();
        double stdDeviation = Math.max(history.stdDeviationMillis(), settings.minStdDeviationMillis());
        return OptionalDouble.of(PhiMath.phi(timeDiff, mean, stdDeviation));
    }

    /** True unless {@code peer} is monitored and its phi reached the threshold (Pekko's {@code isAvailable}). */
    public boolean isAvailable(NodeId peer, long nowMillis) {
        OptionalDouble phi = phi(peer, nowMillis);
        return phi.isEmpty() || phi.getAsDouble() < settings.threshold();
    }

    @Override
    public boolean shouldConvict(NodeId peer, long nowMillis) {
        return !isAvailable(peer, nowMillis) && !isHoldingConvictions(nowMillis);
    }

    /** True while the local-pause guard holds convictions back. */
    public boolean isHoldingConvictions(long nowMillis) {
        return pauseNoticedAtMillis != Long.MIN_VALUE
                && nowMillis - pauseNoticedAtMillis < settings.maxLocalPauseMillis();
    }

    @Override
    public void remove(NodeId peer) {
        peers.remove(peer);
    }

    public boolean isMonitoring(NodeId peer) {
        return peers.containsKey(peer);
    }

    /** The immutable window of {@code peer}, if monitored. */
    public Optional<HeartbeatHistory> history(NodeId peer) {
        return Optional.ofNullable(peers.get(peer)).map(PeerState::history);
    }

    /** Pekko's first-heartbeat guess: mean {@code estimate}, deviation a quarter of it. */
    private HeartbeatHistory firstHistory() {
        long estimate = settings.firstHeartbeatEstimateMillis();
        long deviation = estimate / 4;
        return HeartbeatHistory.empty(settings.maxSampleSize()).add(estimate - deviation)
                .add(Math.min(estimate + deviation, FailureDetectorSettings.MAX_INTERVAL_LIMIT_MILLIS));
    }
}
