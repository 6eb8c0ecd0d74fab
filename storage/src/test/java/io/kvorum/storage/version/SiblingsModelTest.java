package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.dotCount;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Random histories of one key on 3 to 5 replicas, checked after every step against a model that
 * knows nothing of dots: each write has an id, a replica is (seen ids, live ids), a write removes
 * the ids its client had seen, and a join keeps an id unless the other side saw it and dropped it.
 */
class SiblingsModelTest {
    private static final int SEEDS = 300;
    private static final int STEPS = 200;

    @Test
    void randomHistoriesMatchTheModel() {
        Seeds.forEach(0x5EED_0001L, SEEDS, (seed, random) -> {
            Simulation sim = new Simulation(random, 3 + random.nextInt(3), false);
            for (int step = 0; step < STEPS; step++) {
                sim.step(step);
            }
            sim.checkConvergence();
        });
    }

    @Test
    void randomHistoriesWithReplicasLosingTheirStateMatchTheModel() {
        Seeds.forEach(0x5EED_0002L, SEEDS / 3, (seed, random) -> {
            Simulation sim = new Simulation(random, 3 + random.nextInt(3), true);
            for (int step = 0; step < STEPS; step++) {
                sim.step(step);
            }
            sim.checkConvergence();
        });
    }

    /** One replica in the model: the ids it has seen and the ids still alive in it. */
    record ModelReplica(NavigableSet<Integer> seen, NavigableSet<Integer> live) {
        static final ModelReplica EMPTY = new ModelReplica(new TreeSet<>(), new TreeSet<>());

        ModelReplica write(Set<Integer> covers, int id) {
            NavigableSet<Integer> newLive = new TreeSet<>(live);
            newLive.removeAll(covers);
            newLive.add(id);
            NavigableSet<Integer> newSeen = new TreeSet<>(seen);
            newSeen.addAll(covers);
            newSeen.add(id);
            return new ModelReplica(newSeen, newLive);
        }

        ModelReplica join(ModelReplica other) {
            NavigableSet<Integer> newLive = new TreeSet<>(live);
            newLive.retainAll(other.live);
            newLive.addAll(minus(live, other.seen));
            newLive.addAll(minus(other.live, seen));
            NavigableSet<Integer> newSeen = new TreeSet<>(seen);
            newSeen.addAll(other.seen);
            return new ModelReplica(newSeen, newLive);
        }

        private static NavigableSet<Integer> minus(Set<Integer> a, Set<Integer> b) {
            NavigableSet<Integer> result = new TreeSet<>(a);
            result.removeAll(b);
            return result;
        }
    }

    /** What a client kept from a read (or a write): the context and the ids the model says it saw. */
    record ClientView(CausalContext context, NavigableSet<Integer> visible) {}

    /** One seeded history: implementation replicas and model replicas side by side. */
    private static final class Simulation {
        private final RandomGenerator random;
        private final boolean lossy;
        private final List<Siblings> replicas = new ArrayList<>();
        private final List<ModelReplica> models = new ArrayList<>();
        private final List<DotIssuer> actors = new ArrayList<>();
        private final List<ClientView> session = new ArrayList<>();
        private final TreeMap<Dot, Integer> idOfDot = new TreeMap<>();
        private final List<Dot> dotOfId = new ArrayList<>();
        private final List<Boolean> tombstoneOfId = new ArrayList<>();
        private final TreeSet<Integer> covered = new TreeSet<>();
        private final List<String> trace = new ArrayList<>();
        /** The pairs last found to agree; a replica whose pair is unchanged needs no new check. */
        private final List<Siblings> checkedStates = new ArrayList<>();
        private final List<ModelReplica> checkedModels = new ArrayList<>();
        private boolean lostState;

        Simulation(RandomGenerator random, int replicaCount, boolean lossy) {
            this.random = random;
            this.lossy = lossy;
            for (int i = 0; i < replicaCount; i++) {
                replicas.add(Siblings.EMPTY);
                models.add(ModelReplica.EMPTY);
                actors.add(new DotIssuer(new Actor(NodeId.of("node-" + i), 0)));
                checkedStates.add(null);
                checkedModels.add(null);
            }
        }

        void step(int step) {
            try {
                randomOperation();
                checkReplicas();
            } catch (AssertionError e) {
                throw new AssertionError("at step " + step + ": " + e.getMessage() + "; history " + trace, e);
            }
        }

        private void randomOperation() {
            int op = random.nextInt(100);
            int r = random.nextInt(replicas.size());
            if (op < 20) {
                read(r);
            } else if (op < 30) {
                quorumRead(r, random.nextInt(replicas.size()));
            } else if (op < 65) {
                write(r, Optional.of(Bytes.utf8("v" + dotOfId.size())));
            } else if (op < 75) {
                write(r, Optional.empty());
            } else if (op < 96) {
                antiEntropy(random.nextInt(replicas.size()), r);
            } else if (op < 98 || !lossy) {
                newEpoch(r);
            } else {
                loseState(r);
            }
        }

        private ClientView read(int r) {
            trace.add("read@" + r);
            return remember(new ClientView(replicas.get(r).context(), models.get(r).seen()));
        }

        private void quorumRead(int a, int b) {
            trace.add("read@" + a + "+" + b);
            Siblings merged = replicas.get(a).merge(replicas.get(b), NO_PRUNING);
            remember(new ClientView(merged.context(), models.get(a).join(models.get(b)).seen()));
        }

        private ClientView remember(ClientView view) {
            checkContext(view.context(), view.visible(), "client context");
            session.add(view);
            return view;
        }

        private ClientView chooseContext(int r) {
            int choice = random.nextInt(4);
            if (choice == 0 || session.isEmpty()) {
                return new ClientView(CausalContext.EMPTY, new TreeSet<>());
            }
            if (choice == 1) {
                return read(r);
            }
            // a stale context: an earlier read, possibly one that other writes already used
            return session.get(random.nextInt(session.size()));
        }

        private void write(int r, Optional<Bytes> value) {
            ClientView client = chooseContext(r);
            int id = dotOfId.size();
            long wallMillis = 1_000L + id;
            Siblings.NewVersion outcome = replicas.get(r).write(actors.get(r), client.context(), value, wallMillis, NO_PRUNING);
            trace.add((value.isPresent() ? "put" : "delete") + "@" + r + " #" + id + "=" + outcome.dot() + " covers " + client.visible());
            assertNull(idOfDot.put(outcome.dot(), id), "dot " + outcome.dot() + " issued twice");
            dotOfId.add(outcome.dot());
            tombstoneOfId.add(value.isEmpty());
            covered.addAll(client.visible());
            replicas.set(r, outcome.state());
            models.set(r, models.get(r).write(client.visible(), id));
            NavigableSet<Integer> afterWrite = new TreeSet<>(client.visible());
            afterWrite.add(id);
            checkContext(outcome.versionContext(), afterWrite, "version context of #" + id);
            session.add(new ClientView(outcome.versionContext(), afterWrite));
        }

        private void antiEntropy(int from, int to) {
            trace.add("merge " + from + "->" + to);
            replicas.set(to, replicas.get(to).merge(replicas.get(from), NO_PRUNING));
            models.set(to, models.get(to).join(models.get(from)));
        }

        private void newEpoch(int r) {
            Actor old = actors.get(r).actor();
            actors.set(r, new DotIssuer(new Actor(old.node(), old.epoch() + 1)));
            trace.add("epoch@" + r + "=" + actors.get(r).actor());
        }

        /** A restart of an in-memory replica: its state is gone, so it must issue dots as a new actor. */
        private void loseState(int r) {
            replicas.set(r, Siblings.EMPTY);
            models.set(r, ModelReplica.EMPTY);
            lostState = true;
            newEpoch(r);
            trace.add("lost@" + r);
        }

        void checkReplicas() {
            for (int r = 0; r < replicas.size(); r++) {
                Siblings state = replicas.get(r);
                ModelReplica model = models.get(r);
                if (state == checkedStates.get(r) && model == checkedModels.get(r)) {
                    continue; // dots issued since cannot be in it: issuing checks they are new
                }
                assertEquals(model.live(), siblingIds(state), "live ids of replica " + r);
                checkContext(state.context(), model.seen(), "context of replica " + r);
                checkedStates.set(r, state);
                checkedModels.set(r, model);
            }
        }

        private NavigableSet<Integer> siblingIds(Siblings state) {
            NavigableSet<Integer> ids = new TreeSet<>();
            for (Sibling s : state.siblings()) {
                Integer id = idOfDot.get(s.dot());
                assertTrue(id != null, "sibling with an unknown dot " + s.dot());
                assertEquals(tombstoneOfId.get(id), s.tombstone(), () -> "tombstone flag of #" + id);
                assertEquals(s.tombstone() ? "" : "v" + id, s.value().utf8String(), () -> "value of #" + id);
                ids.add(id);
            }
            return ids;
        }

        /** The context holds exactly the dots of {@code ids}: each one, and no other (by count). */
        private void checkContext(CausalContext context, Set<Integer> ids, String what) {
            for (int id = 0; id < dotOfId.size(); id++) {
                if (ids.contains(id) != context.contains(dotOfId.get(id))) { // no message built per id: hot loop
                    assertEquals(ids.contains(id), context.contains(dotOfId.get(id)), what + " holds #" + id + ": " + context);
                }
            }
            assertEquals(ids.size(), dotCount(context), what + " holds unknown dots: " + context);
        }

        void checkConvergence() {
            ModelReplica all = ModelReplica.EMPTY;
            for (ModelReplica model : models) {
                all = all.join(model);
            }
            Siblings first = mergeAllInRandomOrder();
            for (int attempt = 0; attempt < 3; attempt++) {
                assertEquals(first, mergeAllInRandomOrder(), "merge order must not matter");
            }
            assertEquals(all.live(), siblingIds(first), "converged live ids");
            checkNoAcknowledgedWriteLost(all.live());
        }

        private Siblings mergeAllInRandomOrder() {
            List<Siblings> order = new ArrayList<>(replicas);
            VersionFixtures.shuffle(random, order);
            Siblings result = Siblings.EMPTY;
            for (Siblings state : order) {
                result = random.nextBoolean() ? result.merge(state, NO_PRUNING) : state.merge(result, NO_PRUNING);
            }
            return result;
        }

        /**
         * Every write no later write's context covered survives, and no other. Checked only when no
         * replica lost its state: a lost write takes with it both its value and its supersession.
         */
        private void checkNoAcknowledgedWriteLost(Set<Integer> finalLive) {
            if (lostState) {
                return;
            }
            NavigableSet<Integer> uncovered = new TreeSet<>();
            for (int id = 0; id < dotOfId.size(); id++) {
                if (!covered.contains(id)) {
                    uncovered.add(id);
                }
            }
            assertEquals(uncovered, finalLive, "exactly the uncovered writes survive");
        }
    }
}
