package io.kvorum.node.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.membership.Membership;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The set workload under the nemesis, checked against architecture.md's invariants once faults
 * stop and repair has run: (1) no acknowledged element is lost, (2) no element appears that nobody
 * tried to add (no false merge or invented data), (3) all N replicas of every key hold the same state.
 * After the faults stop no client reads anything until the replicas have converged: hinted handoff
 * and anti-entropy alone must bring them together (read repair is exercised during the workload).
 *
 * <p>{@code mvn verify} runs a fixed list of seeds; {@code -Dkvorum.sim.seeds=1,2,3} runs chosen
 * seeds and {@code -Dkvorum.sim.count=500} that many more (from {@code -Dkvorum.sim.start=}, default 1;
 * {@code scripts/kvorum sim --seeds N} runs them in parallel). A failure prints its seed, the command
 * that replays it, and the tail of its event trace.
 */
@Tag("simulation")
class SetWorkloadSimulationTest {
    private static final int DEFAULT_SEED_COUNT = 100;
    /**
     * Seeds that once failed, kept forever: 1556, 1903, 2123, 2633 and 2788 found that a restarted
     * node matched late replies to its previous run's requests (see RestartedNodeRequestIdsTest).
     */
    private static final List<Long> PINNED_SEEDS = List.of(1556L, 1903L, 2123L, 2633L, 2788L);

    static Stream<Long> seeds() {
        String chosen = System.getProperty("kvorum.sim.seeds", "");
        if (!chosen.isBlank()) {
            return Stream.of(chosen.split(",")).map(String::trim).map(Long::parseLong);
        }
        long count = Long.getLong("kvorum.sim.count", DEFAULT_SEED_COUNT);
        long first = Long.getLong("kvorum.sim.start", 1);
        return Stream.concat(PINNED_SEEDS.stream(), LongStream.range(first, first + count).boxed());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noAcknowledgedElementIsLostAndReplicasConverge(long seed) {
        Outcome outcome = run(seed, config());
        TOTALS.add(outcome.sim.counts());
        REFUSED.add(outcome.workload.writesRefused());
        check(outcome);
    }

    @Test
    void blindWritersDriveKeysToTheirLimitWithoutLosingAcknowledgedElements() {
        Outcome outcome = run(4243, SimConfig.defaults());
        check(outcome);
        assertTrue(outcome.workload.writesRefused() > 0, "no write reached a key limit, so the limits went untested: "
                + outcome.workload.summary());
        assertTrue(outcome.workload.patchesApplied() > 0 && outcome.workload.patchConflicts() > 0,
                "PATCH clients were not both applied and refused for siblings, so PATCH went untested: " + outcome.workload.summary());
    }

    /** The defaults; {@code -Dkvorum.sim.handoff=false} or {@code -Dkvorum.sim.anti-entropy-ms=0} switch repair off to prove the checker notices. */
    private static SimConfig config() {
        return SimConfig.defaults().withRepair(Boolean.parseBoolean(System.getProperty("kvorum.sim.handoff", "true")),
                Long.getLong("kvorum.sim.anti-entropy-ms", SimConfig.defaults().antiEntropyIntervalMillis()));
    }

    @Test
    void aSeedReplaysExactly() {
        Outcome first = run(4242, SimConfig.defaults());
        Outcome second = run(4242, SimConfig.defaults());
        assertEquals(first.sim.trace().events(), second.sim.trace().events(), "event counts differ for seed 4242");
        assertEquals(first.sim.trace().hash(), second.sim.trace().hash(), "trace hashes differ for seed 4242: the simulation is not deterministic");
        assertTrue(first.sim.trace().events() > 10_000, "the run did too little to prove anything: " + first.sim.trace().events());
        assertTrue(first.sim.invariants().checks() > 1_000, "the invariants were checked only "
                + first.sim.invariants().checks() + " times as events happened");
    }

    /** How long after the faults stop the replicas may take to converge, in simulated time. */
    private static final long CONVERGENCE_BOUND_MILLIS = 120_000;
    private static final List<Long> CONVERGENCE_MILLIS = new CopyOnWriteArrayList<>();
    private static final List<Simulator.Counts> TOTALS = new CopyOnWriteArrayList<>();
    private static final List<Long> REFUSED = new CopyOnWriteArrayList<>();

    record Outcome(Simulator sim, SetWorkload workload, Map<Key, TreeSet<Long>> finalSets, long convergedAfterMillis,
                   MembershipOperator operator) {}

    @AfterAll
    static void reportConvergence() {
        if (!CONVERGENCE_MILLIS.isEmpty()) {
            List<Long> sorted = CONVERGENCE_MILLIS.stream().sorted().toList();
            System.out.printf("set workload: %d seeds; simulated time from the end of faults until every replica agreed and "
                    + "no hint was left: median %d ms, max %d ms%n", sorted.size(), sorted.get(sorted.size() / 2), sorted.getLast());
        }
        if (!TOTALS.isEmpty()) {
            System.out.printf("set workload over %d seeds: hints stored %d, refused %d, delivered %d; read repairs %d; "
                    + "anti-entropy ranges compared %d, keys repaired %d%n", TOTALS.size(),
                    TOTALS.stream().mapToLong(c -> c.hintsStored).sum(), TOTALS.stream().mapToLong(c -> c.hintsRefused).sum(),
                    TOTALS.stream().mapToLong(c -> c.hintsDelivered).sum(), TOTALS.stream().mapToLong(c -> c.readRepairs).sum(),
                    TOTALS.stream().mapToLong(c -> c.rangesCompared).sum(), TOTALS.stream().mapToLong(c -> c.antiEntropyKeysRepaired).sum());
            System.out.printf("set workload: %d blind or read-modify-write writes refused for a key limit over %d seeds%n",
                    REFUSED.stream().mapToLong(Long::longValue).sum(), REFUSED.size());
        }
    }

    static Outcome run(long seed, SimConfig config) {
        Simulator sim = new Simulator(seed, config);
        SetWorkload workload = new SetWorkload(sim);
        workload.start();
        Nemesis nemesis = new Nemesis(sim);
        if (config.nemesis()) {
            nemesis.start();
        }
        sim.runUntil(config.workloadMillis());
        sim.healAll();
        sim.calm();
        // A membership change still in flight finishes first: until then a moving range's replicas differ by design.
        long changeBound = sim.nowMillis() + CONVERGENCE_BOUND_MILLIS;
        while (nemesis.operator().busy() && sim.nowMillis() < changeBound) {
            sim.runUntil(sim.nowMillis() + 250);
        }
        long healedAt = sim.nowMillis();
        long convergedAfter = -1;
        while (sim.nowMillis() - healedAt < CONVERGENCE_BOUND_MILLIS) {
            sim.runUntil(sim.nowMillis() + 250);
            if (sim.hintsPending() == 0 && workload.keys().stream().allMatch(key -> divergence(sim, key).isEmpty())) {
                convergedAfter = sim.nowMillis() - healedAt;
                CONVERGENCE_MILLIS.add(convergedAfter);
                break;
            }
        }
        // The final read needs all N replicas: wait until the failure detectors trust everyone again.
        long settleUntil = sim.nowMillis() + CONVERGENCE_BOUND_MILLIS;
        while (sim.nowMillis() < settleUntil && !everyoneSeesEveryoneUp(sim)) {
            sim.runUntil(sim.nowMillis() + 250);
        }
        Map<Key, TreeSet<Long>> finalSets = new TreeMap<>();
        for (Key key : workload.keys()) {
            NodeId reader = sim.nodeIds().get(0);
            sim.read(reader, key, config.n(), outcome -> finalSets.put(key, union(outcome)));
        }
        sim.runUntil(sim.nowMillis() + 10 * config.requestTimeoutMillis());
        return new Outcome(sim, workload, finalSets, convergedAfter, nemesis.operator());
    }

    private static boolean everyoneSeesEveryoneUp(Simulator sim) {
        return sim.nodeIds().stream().allMatch(observer -> sim.members(observer).stream()
                .allMatch(member -> member.status() == Membership.Status.UP));
    }

    private static TreeSet<Long> union(ReadOutcome outcome) {
        TreeSet<Long> set = new TreeSet<>();
        switch (outcome) {
            case ReadOutcome.Found found -> found.values().forEach(s -> set.addAll(SetWorkload.parse(s)));
            case ReadOutcome.NotFound notFound -> { }
            case ReadOutcome.Unavailable u -> set.add(-1L); // marks an unreadable key; the check reports it
        }
        return set;
    }

    static void check(Outcome o) {
        List<String> problems = new ArrayList<>();
        if (o.operator.busy()) {
            problems.add("a membership change did not finish within " + CONVERGENCE_BOUND_MILLIS
                    + " ms of simulated time after the faults stopped: " + o.operator.describe());
        }
        for (Key key : o.workload.keys()) {
            TreeSet<Long> seen = o.finalSets.get(key);
            if (seen == null || seen.contains(-1L)) {
                problems.add(key + ": the final full-quorum read did not succeed (" + o.sim.nodeIds().get(0) + " sees "
                        + o.sim.members(o.sim.nodeIds().get(0)).stream().map(m -> m.id() + "=" + m.status()).toList() + ")");
                continue;
            }
            TreeSet<Long> lost = new TreeSet<>(o.workload.acknowledged().get(key));
            lost.removeAll(seen);
            TreeSet<Long> invented = new TreeSet<>(seen);
            invented.removeAll(o.workload.attempted().get(key));
            TreeSet<Long> refusedButStored = new TreeSet<>(seen);
            refusedButStored.retainAll(o.workload.refused().get(key));
            if (!refusedButStored.isEmpty()) {
                problems.add(key + ": elements whose write was refused for a key limit were stored " + refusedButStored);
            }
            if (!lost.isEmpty()) {
                problems.add(key + ": acknowledged elements lost " + lost);
            }
            if (!invented.isEmpty()) {
                problems.add(key + ": elements nobody wrote " + invented);
            }
            problems.addAll(divergence(o.sim, key));
        }
        if (o.convergedAfterMillis < 0) {
            problems.add("replicas did not converge (or hints were left: " + o.sim.hintsPending() + ": " + o.sim.hintsByOwner() + ") within "
                    + CONVERGENCE_BOUND_MILLIS + " ms of simulated time after the faults stopped");
        }
        if (!problems.isEmpty()) {
            fail("seed " + o.sim.seed() + ": " + String.join("; ", problems)
                    + "\nreplay: ./scripts/kvorum test -pl node -am -Dtest=" + (o.sim.config().membershipChanges()
                    ? "MembershipSimulationTest" : "SetWorkloadSimulationTest") + " -Dkvorum.sim.seeds=" + o.sim.seed()
                    + " -Dsurefire.failIfNoSpecifiedTests=false"
                    + "\n" + o.workload.summary() + "\nmembership changes: " + o.operator.finished() + "; " + o.operator.describe()
                    + "\nlast events:\n" + o.sim.trace().tail());
        }
        assertTrue(o.workload.acknowledged().values().stream().mapToInt(TreeSet::size).sum() > 0,
                "seed " + o.sim.seed() + ": no write was acknowledged, the run proves nothing; " + o.workload.summary());
    }

    private static List<String> divergence(Simulator sim, Key key) {
        List<NodeId> replicas = sim.preferenceList(sim.nodeIds().get(0), key);
        Siblings first = sim.stored(replicas.get(0), key);
        List<String> problems = new ArrayList<>();
        for (NodeId replica : replicas.subList(1, replicas.size())) {
            if (!sim.stored(replica, key).equals(first)) {
                problems.add(key + ": replica " + replica + " differs from " + replicas.get(0));
            }
        }
        return problems;
    }
}
