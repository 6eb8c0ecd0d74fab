package io.kvorum.config;

import java.time.Duration;
import java.util.List;

/**
 * Membership gossip: the seeds a node outside {@code cluster.members} joins through, how often a
 * node gossips, and with how many peers per round.
 */
public record GossipConfig(List<SeedAddress> seeds, Duration interval, int fanout) {
    public GossipConfig {
        ConfigKeys.CLUSTER_SEEDS.check(seeds);
        ConfigKeys.GOSSIP_INTERVAL.check(interval);
        ConfigKeys.GOSSIP_FANOUT.check(fanout);
        seeds = List.copyOf(seeds);
    }
}
