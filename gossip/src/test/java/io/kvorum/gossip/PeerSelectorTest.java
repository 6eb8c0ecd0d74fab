package io.kvorum.gossip;

import static io.kvorum.gossip.Fixtures.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class PeerSelectorTest {
    private static final long SEED = 1234L;
    private static final List<NodeId> SEEDS = List.of(id("s1"), id("s2"));

    private static List<NodeId> ids(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> id(prefix + i)).toList();
    }

    @Test
    void aNodeThatKnowsNobodyAlwaysContactsASeed() {
        PeerSelector selector = new PeerSelector(GossipSettings.defaults());
        RandomGenerator random = Fixtures.random(SEED);
        for (int i = 0; i < 100; i++) {
            List<NodeId> targets = selector.choose(List.of(), List.of(), SEEDS, random);
            assertEquals(1, targets.size());
            assertTrue(SEEDS.contains(targets.getFirst()), "seed " + SEED);
        }
    }

    @Test
    void fanoutDistinctLivePeers() {
        PeerSelector selector = new PeerSelector(new GossipSettings(1000, 3, 0, 0, 10, 10));
        RandomGenerator random = Fixtures.random(SEED);
        List<NodeId> live = ids("n", 10);
        for (int i = 0; i < 100; i++) {
            List<NodeId> targets = selector.choose(live, List.of(), List.of(), random);
            assertEquals(3, targets.size());
            assertEquals(3, targets.stream().distinct().count(), "seed " + SEED);
        }
        assertEquals(2, selector.choose(ids("n", 2), List.of(), List.of(), random).size(), "never more than are live");
    }

    @Test
    void unreachableAndSeedProbabilitiesFollowCassandrasRules() {
        PeerSelector selector = new PeerSelector(new GossipSettings(1000, 1, 0, 0, 10, 10));
        RandomGenerator random = Fixtures.random(SEED);
        List<NodeId> live = ids("n", 9);
        List<NodeId> unreachable = ids("u", 2);
        int toUnreachable = 0;
        int toSeed = 0;
        int trials = 20_000;
        for (int i = 0; i < trials; i++) {
            List<NodeId> targets = selector.choose(live, unreachable, SEEDS, random);
            toUnreachable += (int) targets.stream().filter(unreachable::contains).count();
            toSeed += (int) targets.stream().filter(SEEDS::contains).count();
        }
        // unreachable / (live + 1) = 2/10; seeds / (live + unreachable) = 2/11.
        assertEquals(0.2, (double) toUnreachable / trials, 0.015, "seed " + SEED);
        assertEquals(2.0 / 11, (double) toSeed / trials, 0.015, "seed " + SEED);
    }

    @Test
    void floorsRaiseTheProbabilities() {
        PeerSelector selector = new PeerSelector(new GossipSettings(1000, 1, 1.0, 1.0, 10, 10));
        List<NodeId> targets = selector.choose(ids("n", 50), ids("u", 1), SEEDS, Fixtures.random(SEED));
        assertEquals(3, targets.size(), "one live, one unreachable, one seed: " + targets);
    }

    @Test
    void sameSeedSameChoices() {
        PeerSelector selector = new PeerSelector(GossipSettings.defaults());
        RandomGenerator first = Fixtures.random(SEED);
        RandomGenerator second = Fixtures.random(SEED);
        for (int i = 0; i < 50; i++) {
            assertEquals(selector.choose(ids("n", 20), ids("u", 3), SEEDS, first),
                    selector.choose(ids("n", 20), ids("u", 3), SEEDS, second));
        }
    }
}
