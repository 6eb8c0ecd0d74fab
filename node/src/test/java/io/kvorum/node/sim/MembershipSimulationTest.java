package io.kvorum.node.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Elastic membership in the simulator (issue 13): join, leave, remove and replace as nemesis
 * operations beside crashes, pauses, partitions and disk errors, checked by the set workload once
 * everything has healed; and, with every node up during each change, strict quorums (R + W > N,
 * sloppy=false): a read that starts after a write was acknowledged returns it, and keys
 * acknowledged earlier stay readable while their ranges move. Each change's moved keys are
 * reported against the ideal share and bounded.
 *
 * <p>Seeds are chosen as in {@link SetWorkloadSimulationTest} ({@code -Dkvorum.sim.seeds=},
 * {@code -Dkvorum.sim.count=}, {@code -Dkvorum.sim.start=}; {@code scripts/kvorum sim --membership}).
 */
@Tag("simulation")
class MembershipSimulationTest {
    /**
     * Seeds per test in {@code mvn verify}: 12 of each keep the suite's added time within a minute on
     * two cores; {@code scripts/kvorum sim --membership} runs hundreds.
     */
    private static final int DEFAULT_SEED_COUNT = 12;
    /** How long one change may take with every node up, in simulated time. */
    private static final long CHANGE_BOUND_MILLIS = 60_000;
    private static final List<MembershipOperator.Change> CHANGES = new CopyOnWriteArrayList<>();
    private static final List<Long> STRICT_READS = new CopyOnWriteArrayList<>();

    static Stream<Long> seeds() {
        String chosen = System.getProperty("kvorum.sim.seeds", "");
        if (!chosen.isBlank()) {
            return Stream.of(chosen.split(",")).map(String::trim).map(Long::parseLong);
        }
        long count = Long.getLong("kvorum.sim.count", DEFAULT_SEED_COUNT);
        long first = Long.getLong("kvorum.sim.start", 1);
        return LongStream.range(first, first + count).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void setWorkloadHoldsThroughMembershipChangesAndFaults(long seed) {
        SetWorkloadSimulationTest.Outcome outcome = SetWorkloadSimulationTest.run(seed, SimConfig.defaults().withMembershipChanges(true));
        SetWorkloadSimulationTest.check(outcome);
        CHANGES.addAll(outcome.operator().finished());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void strictQuorumReadsSeeEveryAcknowledgedWriteDuringEveryChange(long seed) {
        Simulator sim = new Simulator(seed, SimConfig.defaults().withNemesis(false).withMembershipChanges(true));
        MembershipOperator operator = new MembershipOperator(sim);
        StrictQuorumWorkload workload = new StrictQuorumWorkload(sim, operator::describe);
        List<String> problems = new ArrayList<>();
        // Data first, so every change has ranges to move, then the four changes in a random order.
        workload.start(15, 0);
        sim.runUntil(2_500);
        workload.stop();
        sim.runUntil(sim.nowMillis() + 4 * sim.config().requestTimeoutMillis());
        workload.start(2, 2);
        List<MembershipOperator.Kind> order = new ArrayList<>(List.of(MembershipOperator.Kind.values()));
        Collections.shuffle(order, new java.util.Random(sim.random().nextLong()));
        for (MembershipOperator.Kind kind : order) {
            List<NodeId> members = sim.nodeIds();
            NodeId victim = members.get(sim.random().nextInt(members.size()));
            switch (kind) {
                case JOIN -> operator.join();
                case LEAVE -> operator.leave(victim);
                case REMOVE -> operator.remove(victim);
                case REPLACE -> operator.replace(victim);
            }
            long bound = sim.nowMillis() + CHANGE_BOUND_MILLIS;
            while (operator.busy() && sim.nowMillis() < bound) {
                sim.runUntil(sim.nowMillis() + 250);
            }
            if (operator.busy()) {
                problems.add("did not finish within " + CHANGE_BOUND_MILLIS + " ms: " + operator.describe());
                break;
            }
            sim.runUntil(sim.nowMillis() + 1_000);
        }
        workload.stop();
        sim.runUntil(sim.nowMillis() + 4 * sim.config().requestTimeoutMillis());
        for (Key key : workload.acknowledged()) {
            workload.check(key, "after every change", () -> { });
        }
        sim.runUntil(sim.nowMillis() + 4 * sim.config().requestTimeoutMillis());
        problems.addAll(workload.misses());
        for (MembershipOperator.Change change : operator.finished()) {
            System.out.println("seed " + seed + " moved keys: " + change);
            if (change.keysMoved() > change.boundKeys()) {
                problems.add("moved " + change.keysMoved() + " keys, more than the bound " + Math.round(change.boundKeys()) + ": " + change);
            }
            if (change.keysMoved() == 0) {
                problems.add("no key moved: " + change);
            }
        }
        if (!problems.isEmpty()) {
            fail("seed " + seed + ": " + problems.size() + " problems:\n" + String.join("\n", problems.subList(0, Math.min(20, problems.size())))
                    + "\n" + workload.summary()
                    + "\nreplay: ./scripts/kvorum test -pl node -am -Dtest=MembershipSimulationTest -Dkvorum.sim.seeds=" + seed
                    + " -Dsurefire.failIfNoSpecifiedTests=false\nlast events:\n" + sim.trace().tail());
        }
        assertTrue(workload.acknowledged().size() > 500 && workload.readsFound() > 2_000,
                "seed " + seed + ": too little was written or read to prove anything: " + workload.summary());
        CHANGES.addAll(operator.finished());
        STRICT_READS.add(workload.readsFound());
    }

    @AfterAll
    static void report() {
        for (MembershipOperator.Kind kind : MembershipOperator.Kind.values()) {
            List<MembershipOperator.Change> of = CHANGES.stream().filter(c -> c.kind() == kind && c.keysStored() > 100).toList();
            if (of.isEmpty()) {
                continue;
            }
            double ratio = of.stream().mapToDouble(c -> c.keysMoved() / c.idealKeys()).average().orElse(0);
            double max = of.stream().mapToDouble(c -> c.keysMoved() / c.idealKeys()).max().orElse(0);
            double millis = of.stream().mapToLong(c -> c.finishedMillis() - c.startedMillis()).average().orElse(0);
            System.out.printf(Locale.ROOT, "membership: %d %s changes with data: moved keys / ideal share mean %.2f, max %.2f;"
                    + " mean duration %.1f s simulated%n", of.size(), kind.name().toLowerCase(Locale.ROOT), ratio, max, millis / 1000);
        }
        long faulty = CHANGES.stream().filter(c -> c.keysStored() <= 100).count();
        if (faulty > 0) {
            System.out.printf("membership: %d changes under faults finished (set workload, few keys)%n", faulty);
        }
        if (!STRICT_READS.isEmpty()) {
            System.out.printf("membership: %d strict seeds, %d strict reads of acknowledged writes found, none missed%n",
                    STRICT_READS.size(), STRICT_READS.stream().mapToLong(Long::longValue).sum());
        }
    }
}
