package io.kvorum.node.sim;

import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Injects faults while the workload runs: crashes and restarts, pauses and resumes, and network
 * partitions, at random moments, keeping at most a minority of nodes faulty at once so the
 * cluster can still make progress. Everything ends (healed) when the workload does.
 */
final class Nemesis {
    private final Simulator sim;
    private final TreeSet<NodeId> crashed = new TreeSet<>();
    private final TreeSet<NodeId> paused = new TreeSet<>();
    private boolean partitioned;
    private int actions;

    Nemesis(Simulator sim) {
        this.sim = sim;
    }

    int actions() {
        return actions;
    }

    void start() {
        sim.schedule(nextGap(), "nemesis", this::act);
    }

    private long nextGap() {
        return sim.random().nextLong(500, 3_000);
    }

    private void act() {
        if (sim.nowMillis() > sim.config().workloadMillis()) {
            return;
        }
        actions++;
        int faulty = crashed.size() + paused.size();
        int maxFaulty = (sim.config().nodeCount() - 1) / 2;
        switch (sim.random().nextInt(6)) {
            case 0 -> faultOne(faulty < maxFaulty, crashed, sim::crash);
            case 1 -> recoverOne(crashed, sim::restart);
            case 2 -> faultOne(faulty < maxFaulty, paused, sim::pause);
            case 3 -> recoverOne(paused, sim::resume);
            case 4 -> partitionRandomly();
            default -> {
                sim.heal();
                partitioned = false;
            }
        }
        sim.schedule(nextGap(), "nemesis", this::act);
    }

    private void faultOne(boolean allowed, TreeSet<NodeId> into, java.util.function.Consumer<NodeId> fault) {
        List<NodeId> healthy = new ArrayList<>();
        for (NodeId id : sim.nodeIds()) {
            if (!crashed.contains(id) && !paused.contains(id)) {
                healthy.add(id);
            }
        }
        if (allowed && !healthy.isEmpty()) {
            NodeId victim = healthy.get(sim.random().nextInt(healthy.size()));
            into.add(victim);
            fault.accept(victim);
        }
    }

    private void recoverOne(TreeSet<NodeId> from, java.util.function.Consumer<NodeId> recovery) {
        if (!from.isEmpty()) {
            List<NodeId> candidates = new ArrayList<>(from);
            NodeId lucky = candidates.get(sim.random().nextInt(candidates.size()));
            from.remove(lucky);
            recovery.accept(lucky);
        }
    }

    private void partitionRandomly() {
        if (partitioned) {
            return;
        }
        List<NodeId> ids = new ArrayList<>(sim.nodeIds());
        List<NodeId> minority = new ArrayList<>();
        int size = 1 + sim.random().nextInt(Math.max(1, (ids.size() - 1) / 2));
        while (minority.size() < size) {
            minority.add(ids.remove(sim.random().nextInt(ids.size())));
        }
        sim.partition(minority);
        partitioned = true;
    }
}
