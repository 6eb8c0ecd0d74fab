package io.kvorum.gossip;

import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Whom to gossip with this round, by Cassandra's {@code Gossiper.run} rules: {@code fanout} random
 * live peers; then, with probability unreachable/(live + 1), one unreachable member, so a healed
 * partition or a recovered node is noticed; then, if no seed was chosen yet or fewer members are live
 * than there are seeds, a seed with probability seeds/(live + unreachable), or surely when nobody is
 * live (how a new node joins). Seeds are where the halves of a partition meet again. Pure: the
 * randomness is the caller's seeded generator, and all lists are in a stable order.
 */
final class PeerSelector {
    private final GossipSettings settings;

    PeerSelector(GossipSettings settings) {
        this.settings = settings;
    }

    /**
     * The distinct targets of one round, in the order chosen.
     *
     * @param live members believed alive, without this node, in id order
     * @param unreachable suspected or stopped members (not removed ones), without this node, in id order
     * @param seeds seed ids without this node, in configuration order
     */
    List<NodeId> choose(List<NodeId> live, List<NodeId> unreachable, List<NodeId> seeds, RandomGenerator random) {
        List<NodeId> targets = new ArrayList<>();
        List<NodeId> candidates = new ArrayList<>(live);
        for (int i = 0; i < settings.fanout() && !candidates.isEmpty(); i++) {
            targets.add(candidates.remove(random.nextInt(candidates.size())));
        }
        if (!unreachable.isEmpty()) {
            double probability = Math.max(settings.unreachableProbabilityMin(),
                    (double) unreachable.size() / (live.size() + 1));
            if (random.nextDouble() < probability) {
                addIfAbsent(targets, unreachable.get(random.nextInt(unreachable.size())));
            }
        }
        boolean seedChosen = targets.stream().anyMatch(seeds::contains);
        if (!seeds.isEmpty() && (!seedChosen || live.size() < seeds.size())) {
            double probability = live.isEmpty() ? 1.0 : Math.max(settings.seedProbabilityMin(),
                    (double) seeds.size() / (live.size() + unreachable.size()));
            if (random.nextDouble() < probability) {
                addIfAbsent(targets, seeds.get(random.nextInt(seeds.size())));
            }
        }
        return List.copyOf(targets);
    }

    private static void addIfAbsent(List<NodeId> targets, NodeId id) {
        if (!targets.contains(id)) {
            targets.add(id);
        }
    }
}
