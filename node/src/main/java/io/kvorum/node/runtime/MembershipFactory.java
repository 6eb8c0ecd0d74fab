package io.kvorum.node.runtime;

import io.kvorum.common.NodeId;
import io.kvorum.config.FailureDetectorConfig;
import io.kvorum.config.KvorumConfig;
import io.kvorum.config.MemberAddress;
import io.kvorum.config.SeedAddress;
import io.kvorum.gossip.GossipProtocol;
import io.kvorum.gossip.GossipSettings;
import io.kvorum.gossip.LocalMember;
import io.kvorum.gossip.Seed;
import io.kvorum.gossip.Status;
import io.kvorum.gossip.fd.FailureDetectorSettings;
import io.kvorum.gossip.fd.PhiAccrualFailureDetector;
import io.kvorum.node.membership.GossipMembership;
import io.kvorum.node.membership.GossipMembership.BootstrapMember;
import io.kvorum.ring.Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.ring.TokenAllocator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.LoggerFactory;

/**
 * Builds a node's gossip membership from its configuration and data directory.
 *
 * <p>The members of {@code cluster.members} (when it lists more than this node) are the bootstrap
 * cluster: their tokens follow from the list's order, so every member starts with the same ring.
 * A node listed alone but given {@code cluster.seeds} is a joiner: it starts without tokens and
 * takes them from the ring it learns. Tokens a node has taken are reused after a restart; its
 * gossip generation is its actor epoch + 1, so every restart is recognised as the same member, newer.
 */
final class MembershipFactory {
    private MembershipFactory() {}

    static GossipMembership create(KvorumConfig config, long epoch, Partitioner partitioner) throws IOException {
        NodeId self = config.node().id();
        int vnodes = config.ring().vnodesPerNode();
        boolean left = TokenStore.hasLeft(config.node().dataDir());
        boolean joiner = left || (config.cluster().members().size() == 1 && !config.gossip().seeds().isEmpty());
        if (left) {
            LoggerFactory.getLogger(MembershipFactory.class).info("{} left the cluster before: it joins again as a new"
                    + " node, streaming the ranges it takes", self);
        }
        // One allocator for the bootstrap ring and for joining, balanced for this cluster's N.
        TokenAllocator allocator = new TokenAllocator(partitioner, config.quorum().n());
        List<BootstrapMember> bootstrap = joiner ? List.of() : bootstrapMembers(config, allocator);
        // (a node that left keeps its cluster.members list only as seeds: its bootstrap tokens are not its own any more)
        Optional<TokenStore.Stored> stored = TokenStore.loadStored(config.node().dataDir());
        List<Long> tokens = stored.map(TokenStore.Stored::tokens).orElseGet(() -> bootstrap.stream()
                .filter(m -> m.id().equals(self)).findFirst().map(BootstrapMember::tokens).orElse(List.of()));
        boolean joining = tokens.isEmpty() || stored.map(s -> !s.joined()).orElse(false);
        if (stored.isEmpty() && !tokens.isEmpty()) {
            TokenStore.save(config.node().dataDir(), tokens);
        }
        // Advertise this node's own cluster.members entry, not its bind addresses: a node bound to
        // 0.0.0.0 (in a container, say) is reached by the name or address that entry gives.
        MemberAddress advertised = config.cluster().member(self).orElseThrow();
        LocalMember local = new LocalMember(self, advertised.internode().toString(),
                advertised.http().toString(), tokens, epoch + 1, joining ? Status.JOINING : Status.UP);
        List<Seed> seeds = seeds(config);
        GossipProtocol protocol = new GossipProtocol(local, seeds, gossipSettings(config),
                new PhiAccrualFailureDetector(detectorSettings(config.failureDetector())), new SplittableRandom(gossipSeed(self, epoch)));
        return new GossipMembership(protocol, vnodes, allocator, bootstrap,
                !seeds.isEmpty(), config.quorum().n(), config.transfer().replace());
    }

    /**
     * The seed of this run's gossip peer choice: one per node and run (style.md 6.2), so peers
     * differ between nodes and restarts, and a run's choices can be replayed from its log line.
     */
    private static long gossipSeed(NodeId self, long epoch) {
        long seed = self.value().hashCode() * 0x9E3779B97F4A7C15L ^ epoch;
        LoggerFactory.getLogger(MembershipFactory.class).info("{} gossips with seed {}", self, seed);
        return seed;
    }

    private static List<BootstrapMember> bootstrapMembers(KvorumConfig config, TokenAllocator allocator) {
        List<NodeId> order = config.cluster().ids();
        Ring ring = Ring.allocate(order, config.ring().vnodesPerNode(), allocator);
        List<BootstrapMember> members = new ArrayList<>();
        for (MemberAddress m : config.cluster().members()) {
            members.add(new BootstrapMember(m.id(), m.internode().toString(), m.http().toString(), ring.tokensOf(m.id())));
        }
        return members;
    }

    /** The configured seeds; without any, the other bootstrap members, so a restarted member finds its peers. */
    private static List<Seed> seeds(KvorumConfig config) {
        List<Seed> seeds = new ArrayList<>();
        for (SeedAddress seed : config.gossip().seeds()) {
            seeds.add(new Seed(seed.id(), seed.internode().toString()));
        }
        if (seeds.isEmpty()) {
            for (MemberAddress m : config.cluster().members()) {
                if (!m.id().equals(config.node().id())) {
                    seeds.add(new Seed(m.id(), m.internode().toString()));
                }
            }
        }
        return seeds;
    }

    private static GossipSettings gossipSettings(KvorumConfig config) {
        GossipSettings defaults = GossipSettings.defaults();
        return new GossipSettings(config.gossip().interval().toMillis(), config.gossip().fanout(),
                defaults.seedProbabilityMin(), defaults.unreachableProbabilityMin(),
                defaults.digestsPerMessageMax(), defaults.updatesPerMessageMax());
    }

    private static FailureDetectorSettings detectorSettings(FailureDetectorConfig fd) {
        return new FailureDetectorSettings(fd.threshold(), fd.maxSampleSize(), fd.minStdDeviation().toMillis(),
                fd.acceptableHeartbeatPause().toMillis(), fd.firstHeartbeatEstimate().toMillis(),
                fd.maxInterval().toMillis(), fd.maxLocalPause().toMillis());
    }
}
