package io.kvorum.gossip;

import io.kvorum.common.Invariants;

/**
 * Every knob of the gossip protocol, with its default and the trade-off it tunes. Names follow the
 * config keys ({@code gossip.*}); validation messages name the key.
 *
 * @param intervalMillis time between two rounds of this node (each round: bump the heartbeat, start
 *        exchanges). Shorter: faster spread and detection, more messages (about 3 x fanout per node per
 *        round). The failure detector's defaults assume 1 s.
 * @param fanout live peers contacted per round. Push-pull spreads news in O(log n) rounds even with 1
 *        (Cassandra's choice), but the failure detector is fed by relayed heartbeats, and with 1 they
 *        arrive irregularly (observed mean about 1.35 s, deviation 0.75 s at 20 nodes): the simulation then
 *        needed over 10 s to convict a crashed node, and a 1 s acceptable pause gave false suspicions
 *        under 5% loss. 2 makes the relay regular enough for both goals at about 6 messages per node per
 *        round; more costs traffic linearly for little gain.
 * @param seedProbabilityMin floor on the chance of also contacting a seed in a round. Cassandra's rule
 *        alone gives seeds/(live + unreachable), which shrinks in big clusters; seeds are where
 *        partitioned halves meet again, so a floor speeds healing at the cost of extra load on seeds.
 * @param unreachableProbabilityMin floor on the chance of also contacting a suspected or stopped member.
 *        Cassandra's rule alone gives unreachable/(live + 1); the floor makes one dead node among
 *        hundreds probed more often, which lets a recovered node be noticed sooner, at the cost of
 *        messages into the void.
 * @param digestsPerMessageMax bound on digests in a SYN or requests in an ACK (style.md: every buffer has a
 *        bound). Above it a SYN carries a random window of members, so very large clusters still
 *        converge, only over more rounds.
 * @param updatesPerMessageMax bound on member updates in an ACK or ACK2. Each carries at most one
 *        member's tokens (8 bytes a token); what does not fit goes in a later round.
 */
public record GossipSettings(
        long intervalMillis,
        int fanout,
        double seedProbabilityMin,
        double unreachableProbabilityMin,
        int digestsPerMessageMax,
        int updatesPerMessageMax) {

    public static final long DEFAULT_INTERVAL_MILLIS = 1000;
    public static final int DEFAULT_FANOUT = 2;
    public static final int FANOUT_MAX = 64;
    public static final double DEFAULT_SEED_PROBABILITY_MIN = 0.0;
    public static final double DEFAULT_UNREACHABLE_PROBABILITY_MIN = 0.0;
    public static final int DEFAULT_DIGESTS_PER_MESSAGE_MAX = 1024;
    public static final int DEFAULT_UPDATES_PER_MESSAGE_MAX = 1024;

    public GossipSettings {
        Invariants.require(intervalMillis > 0, "gossip.interval must be > 0 ms, got %d", intervalMillis);
        Invariants.require(fanout >= 1 && fanout <= FANOUT_MAX,
                "gossip.fanout must be in 1..%d, got %d", FANOUT_MAX, fanout);
        Invariants.require(seedProbabilityMin >= 0 && seedProbabilityMin <= 1,
                "gossip.seed-probability-min must be in 0..1, got %s", seedProbabilityMin);
        Invariants.require(unreachableProbabilityMin >= 0 && unreachableProbabilityMin <= 1,
                "gossip.unreachable-probability-min must be in 0..1, got %s", unreachableProbabilityMin);
        Invariants.require(digestsPerMessageMax >= 1 && digestsPerMessageMax <= GossipCodec.DIGESTS_MAX,
                "gossip.digests-per-message-max must be in 1..%d, got %d", GossipCodec.DIGESTS_MAX, digestsPerMessageMax);
        Invariants.require(updatesPerMessageMax >= 1 && updatesPerMessageMax <= GossipCodec.UPDATES_MAX,
                "gossip.updates-per-message-max must be in 1..%d, got %d", GossipCodec.UPDATES_MAX, updatesPerMessageMax);
    }

    /** The defaults listed above. */
    public static GossipSettings defaults() {
        return new GossipSettings(DEFAULT_INTERVAL_MILLIS, DEFAULT_FANOUT, DEFAULT_SEED_PROBABILITY_MIN,
                DEFAULT_UNREACHABLE_PROBABILITY_MIN, DEFAULT_DIGESTS_PER_MESSAGE_MAX, DEFAULT_UPDATES_PER_MESSAGE_MAX);
    }
}
