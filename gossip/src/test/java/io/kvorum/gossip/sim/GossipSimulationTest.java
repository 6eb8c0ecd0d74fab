package io.kvorum.gossip.sim;

import static io.kvorum.gossip.sim.GossipSimulation.id;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipOutput.Change;
import io.kvorum.gossip.GossipSettings;
import io.kvorum.gossip.MemberView;
import io.kvorum.gossip.Status;
import io.kvorum.gossip.fd.FailureDetectorSettings;
import io.kvorum.gossip.fd.HeartbeatHistory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Gossip-only simulations at default settings: convergence, detection, false suspicions, partition
 * healing and determinism. Prints the figures; asserts the issue's goals.
 */
@Tag("simulation")
class GossipSimulationTest {
    private static final long[] SEEDS = {11, 22, 33, 44, 55};
    private static final long INTERVAL = GossipSettings.DEFAULT_INTERVAL_MILLIS;

    private static GossipSimulation.Config config(long seed, long delayMin, long delayMax, double loss) {
        return new GossipSimulation.Config(seed, GossipSettings.defaults(), FailureDetectorSettings.defaults(),
                delayMin, delayMax, loss, 16);
    }

    /** n nodes that know each other (three seeds), warmed up for {@code warmUpMillis}. */
    private static GossipSimulation cluster(GossipSimulation.Config config, int n, long warmUpMillis) {
        GossipSimulation sim = new GossipSimulation(config);
        for (int i = 0; i < Math.min(3, n); i++) {
            sim.addSeed(id(i));
        }
        for (int i = 0; i < n; i++) {
            sim.start(id(i), Status.UP);
        }
        sim.bootstrapFullView();
        sim.runFor(warmUpMillis);
        return sim;
    }

    private static long rounds(long elapsedMillis) {
        return (elapsedMillis + INTERVAL - 1) / INTERVAL;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get((sorted.size() - 1) / 2);
    }

    private static long worst(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    @Test
    void membershipChangesReachEveryNodeWithinLogarithmicRounds() {
        System.out.println("\n(a) rounds until a change reaches every node (default settings, 1-10 ms delay, "
                + SEEDS.length + " seeds)");
        System.out.println("    n | goal 2log2(n)+3 | join median | join worst | status median | status worst");
        for (int n : new int[] {10, 50, 100, 200}) {
            List<Long> joins = new ArrayList<>();
            List<Long> statuses = new ArrayList<>();
            for (long seed : SEEDS) {
                GossipSimulation sim = cluster(config(seed, 1, 10, 0), n, 10_000);
                NodeId newcomer = id(n);
                long start = sim.nowMillis();
                sim.start(newcomer, Status.JOINING);
                long done = sim.runUntil(() -> sim.running().stream()
                        .allMatch(x -> sim.protocol(x).member(newcomer).isPresent()), start + 120_000, 50);
                assertTrue(done >= 0, "seed " + seed + ": join never converged at n=" + n);
                joins.add(rounds(done - start));
                NodeId leaver = id((int) (seed % n));
                long changed = sim.nowMillis();
                sim.act(leaver, p -> p.setStatus(Status.LEAVING, sim.nowMillis()));
                long seen = sim.runUntil(() -> sim.running().stream().allMatch(x ->
                        sim.protocol(x).member(leaver).orElseThrow().status() == Status.LEAVING), changed + 120_000, 50);
                assertTrue(seen >= 0, "seed " + seed + ": status change never converged at n=" + n);
                statuses.add(rounds(seen - changed));
            }
            double goal = 2 * Math.log(n) / Math.log(2) + 3;
            System.out.printf("  %3d | %15.1f | %11d | %10d | %13d | %12d%n",
                    n, goal, median(joins), worst(joins), median(statuses), worst(statuses));
            assertTrue(median(joins) <= goal, "n=" + n + " join rounds " + joins + " seeds " + Arrays.toString(SEEDS));
            assertTrue(median(statuses) <= goal, "n=" + n + " status rounds " + statuses + " seeds " + Arrays.toString(SEEDS));
        }
    }

    @Test
    void aCrashIsDetectedByEveryPeerWithinTenSecondsAtTheMedian() {
        System.out.println("\n(b) seconds from a crash until the first / every live peer suspects it (default settings)");
        System.out.println("    n | network               | first median | all median | all worst | observed interval mean/sd");
        record Case(int n, long delayMin, long delayMax, double loss) {}
        for (Case c : List.of(new Case(5, 1, 10, 0), new Case(20, 1, 10, 0), new Case(50, 1, 10, 0),
                new Case(20, 50, 250, 0.05))) {
            List<Long> first = new ArrayList<>();
            List<Long> all = new ArrayList<>();
            double[] intervalStats = {0, 0, 0};
            for (long seed : SEEDS) {
                GossipSimulation sim = cluster(config(seed, c.delayMin(), c.delayMax(), c.loss()), c.n(), 60_000);
                NodeId victim = id((int) (seed % c.n()));
                for (NodeId peer : sim.running()) {
                    sim.detector(peer).history(victim).ifPresent(h -> addStats(intervalStats, h));
                }
                sim.crash(victim);
                long crashed = sim.nowMillis();
                long firstAt = sim.runUntil(() -> sim.running().stream()
                        .anyMatch(x -> sim.protocol(x).isSuspected(victim)), crashed + 60_000, 50);
                long allAt = sim.runUntil(() -> sim.running().stream()
                        .allMatch(x -> sim.protocol(x).isSuspected(victim)), crashed + 60_000, 50);
                assertTrue(allAt >= 0, "seed " + seed + ": crash of " + victim + " never detected everywhere");
                first.add(firstAt - crashed);
                all.add(allAt - crashed);
            }
            System.out.printf("  %3d | %3d-%3d ms, %2.0f%% loss  | %12.1f | %10.1f | %9.1f | %.2f s / %.2f s%n",
                    c.n(), c.delayMin(), c.delayMax(), c.loss() * 100, median(first) / 1000.0, median(all) / 1000.0,
                    worst(all) / 1000.0, intervalStats[0] / intervalStats[2] / 1000, intervalStats[1] / intervalStats[2] / 1000);
            // The goal (< 10 s median) is for the default network; the lossy case is held to a looser
            // regression bound.
            long bound = c.loss() == 0 ? 10_000 : 12_000;
            assertTrue(median(all) < bound, c + ": detection times " + all + " ms, seeds " + Arrays.toString(SEEDS));
        }
    }

    private static void addStats(double[] stats, HeartbeatHistory history) {
        stats[0] += history.meanMillis();
        stats[1] += history.stdDeviationMillis();
        stats[2] += 1;
    }

    @Test
    void noLiveNodeIsSuspectedInAnHourOfLossAndJitter() {
        long seed = 77;
        GossipSimulation sim = cluster(config(seed, 50, 250, 0.05), 20, 0);
        List<String> suspicions = new ArrayList<>();
        sim.onChange((observer, change) -> {
            if (change.change() == Change.SUSPECTED) {
                suspicions.add(observer + " suspected " + change.id() + " @" + sim.nowMillis());
            }
        });
        double maxPhi = 0;
        for (int second = 0; second < 3600; second++) {
            sim.runFor(1000);
            for (NodeId observer : sim.running()) {
                for (NodeId member : sim.running()) {
                    maxPhi = Math.max(maxPhi, sim.protocol(observer).phi(member).orElse(0));
                }
            }
        }
        System.out.println("\n(c) 20 nodes, 1 simulated hour, 5% loss, 50-250 ms delay, threshold 8 (seed " + seed + ")");
        System.out.printf("    false suspicions: %d | highest phi of a live node (sampled every second): %.2f"
                        + " | messages per node per second: %.1f%n",
                suspicions.size(), maxPhi, sim.messagesSent() / 20.0 / 3600);
        assertEquals(List.of(), suspicions, "seed " + seed);
    }

    @Test
    void aThreePlusTwoPartitionHealsToOneView() {
        System.out.println("\n(d) 5 nodes, 3+2 partition for 60 s (the minority announces a status change meanwhile)");
        System.out.println("    seed | both sides suspected each other | seconds to one view after healing");
        List<Long> heals = new ArrayList<>();
        for (long seed : SEEDS) {
            GossipSimulation sim = cluster(config(seed, 1, 10, 0), 5, 30_000);
            List<NodeId> majority = List.of(id(0), id(1), id(2));
            List<NodeId> minority = List.of(id(3), id(4));
            sim.partition(List.of(majority, minority));
            sim.runFor(30_000);
            sim.act(id(3), p -> p.setStatus(Status.LEAVING, sim.nowMillis()));
            sim.runFor(30_000);
            boolean split = majority.stream().allMatch(a -> minority.stream().allMatch(b ->
                    sim.protocol(a).isSuspected(b) && sim.protocol(b).isSuspected(a)));
            assertTrue(split, "seed " + seed + ": the partition was not noticed");
            assertNotEquals(signature(sim, id(0)), signature(sim, id(3)));
            sim.heal();
            long healed = sim.nowMillis();
            long oneView = sim.runUntil(() -> isOneView(sim), healed + 60_000, 50);
            assertTrue(oneView >= 0, "seed " + seed + ": the views never merged");
            heals.add(oneView - healed);
            System.out.printf("    %4d | %31s | %.1f (%d rounds)%n", seed, split, (oneView - healed) / 1000.0,
                    rounds(oneView - healed));
        }
        assertTrue(worst(heals) <= 30_000, "heal times " + heals + " seeds " + Arrays.toString(SEEDS));
    }

    /** What a node believes about everyone, without the ever-changing heartbeats and phi. */
    private static List<String> signature(GossipSimulation sim, NodeId node) {
        return sim.protocol(node).view().stream()
                .map((MemberView v) -> v.id() + "/" + v.generation() + "/" + v.status() + "/" + v.alive() + "/" + v.tokens())
                .toList();
    }

    private static boolean isOneView(GossipSimulation sim) {
        List<String> first = signature(sim, sim.running().getFirst());
        return first.stream().allMatch(s -> s.contains("/true/"))
                && sim.running().stream().allMatch(node -> signature(sim, node).equals(first));
    }

    @Test
    void aLocalPauseConvictsNobody() {
        long seed = 5;
        GossipSimulation sim = cluster(config(seed, 1, 10, 0), 10, 30_000);
        NodeId sleeper = id(4);
        List<String> bySleeper = new ArrayList<>();
        sim.onChange((observer, change) -> {
            if (observer.equals(sleeper) && change.change() == Change.SUSPECTED) {
                bySleeper.add(change.id() + "@" + sim.nowMillis());
            }
        });
        sim.pause(sleeper, 20_000);
        sim.runFor(40_000);
        assertEquals(List.of(), bySleeper, "seed " + seed + ": the paused node convicted its peers");
        assertTrue(IntStream.range(0, 10).mapToObj(GossipSimulation::id).allMatch(x -> sim.protocol(x).isAlive(sleeper)),
                "seed " + seed + ": the sleeper is alive again everywhere");
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        long first = chaoticRun(123);
        assertEquals(first, chaoticRun(123), "seed 123 is not deterministic");
        assertNotEquals(first, chaoticRun(124));
    }

    /** 20 nodes, loss and jitter, a crash, a restart, a join and a partition; returns the trace hash. */
    private static long chaoticRun(long seed) {
        GossipSimulation sim = cluster(config(seed, 5, 200, 0.05), 20, 20_000);
        sim.crash(id(7));
        sim.runFor(15_000);
        sim.start(id(7), Status.UP);
        sim.start(id(20), Status.JOINING);
        sim.partition(List.of(List.of(id(0), id(1), id(2), id(3))));
        sim.runFor(20_000);
        sim.heal();
        sim.runFor(20_000);
        return sim.traceHash();
    }
}
