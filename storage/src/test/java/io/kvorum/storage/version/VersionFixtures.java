package io.kvorum.storage.version;

import io.kvorum.common.Bytes;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/** Builders of actors, dots, contexts and replica states for version tests; shared through the test-jar. */
public final class VersionFixtures {
    /** Large enough that no test history is pruned unless it asks to be. */
    public static final int NO_PRUNING = 1000;

    private VersionFixtures() {}

    public static Actor actor(String node) {
        return new Actor(NodeId.of(node), 0);
    }

    public static Actor actor(String node, long epoch) {
        return new Actor(NodeId.of(node), epoch);
    }

    /**
     * A fresh issuer for {@code actor}: its counters continue from what each key's state remembers,
     * which is what a coordinator does while no pruning intervenes. Tests of pruning and long
     * histories keep one issuer per actor instead, as a node does.
     */
    public static DotIssuer issuer(Actor actor) {
        return new DotIssuer(actor);
    }

    public static Dot dot(Actor actor, long counter) {
        return new Dot(actor, counter);
    }

    public static Bytes bytes(String text) {
        return Bytes.utf8(text);
    }

    /**
     * The wall time at which {@code dot} was issued. A dot has one issue time everywhere, so contexts
     * holding the same dots carry the same times and compare {@code equals}.
     */
    public static long wallMillisOf(Dot dot) {
        return 1_000L * dot.counter() + 10L * dot.actor().epoch() + dot.actor().node().value().length();
    }

    /** The context holding exactly {@code dots}, each seen at its {@link #wallMillisOf issue time}. */
    public static CausalContext contextOf(Collection<Dot> dots) {
        CausalContext context = CausalContext.EMPTY;
        for (Dot dot : dots) {
            context = context.add(dot, wallMillisOf(dot));
        }
        return context;
    }

    public static CausalContext contextOf(Dot... dots) {
        return contextOf(List.of(dots));
    }

    /** Every dot in {@code context}: the prefix of each actor and the cloud. */
    public static NavigableSet<Dot> dotsOf(CausalContext context) {
        NavigableSet<Dot> dots = new TreeSet<>(context.cloud());
        for (Map.Entry<Actor, CausalContext.Entry> e : context.entries().entrySet()) {
            for (long k = 1; k <= e.getValue().counter(); k++) {
                dots.add(new Dot(e.getKey(), k));
            }
        }
        return dots;
    }

    /** How many dots {@code context} holds, without listing them. */
    public static long dotCount(CausalContext context) {
        long count = context.cloud().size();
        for (CausalContext.Entry e : context.entries().values()) {
            count += e.counter();
        }
        return count;
    }

    /** A random subset of the dots of {@code actors} with counters 1..{@code counterMax}, added in random order. */
    public static List<Dot> randomDots(RandomGenerator random, List<Actor> actors, int counterMax) {
        List<Dot> dots = new ArrayList<>();
        double density = random.nextDouble();
        for (Actor actor : actors) {
            for (long k = 1; k <= counterMax; k++) {
                if (random.nextDouble() < density) {
                    dots.add(new Dot(actor, k));
                }
            }
        }
        shuffle(random, dots);
        return dots;
    }

    public static CausalContext randomContext(RandomGenerator random, List<Actor> actors, int counterMax) {
        return contextOf(randomDots(random, actors, counterMax));
    }

    /**
     * The states of one key on {@code replicaCount} replicas after a random history of writes (values,
     * tombstones, blind or with a context read from some replica) and one-way merges. States of one
     * history never disagree on a dot, so any of them may be merged with any other.
     */
    public static List<Siblings> randomReplicas(RandomGenerator random, int replicaCount, int steps) {
        List<Siblings> replicas = new ArrayList<>();
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(Siblings.EMPTY);
        }
        for (int step = 0; step < steps; step++) {
            int at = random.nextInt(replicaCount);
            if (random.nextInt(3) == 0) {
                Siblings from = replicas.get(random.nextInt(replicaCount));
                replicas.set(at, replicas.get(at).merge(from, NO_PRUNING));
            } else {
                replicas.set(at, randomWrite(random, replicas, at));
            }
        }
        return replicas;
    }

    private static Siblings randomWrite(RandomGenerator random, List<Siblings> replicas, int at) {
        CausalContext context = random.nextBoolean()
                ? CausalContext.EMPTY
                : replicas.get(random.nextInt(replicas.size())).context();
        Optional<Bytes> value = random.nextInt(5) == 0 ? Optional.empty() : Optional.of(randomBytes(random, 12));
        long wallMillis = random.nextInt(10) == 0 ? random.nextLong() : random.nextLong(1L << 41);
        Actor actor = actor("node-" + at, random.nextInt(2));
        return replicas.get(at).write(issuer(actor), context, value, wallMillis, NO_PRUNING).state();
    }

    public static Bytes randomBytes(RandomGenerator random, int lengthMax) {
        byte[] b = new byte[random.nextInt(lengthMax + 1)];
        random.nextBytes(b);
        return Bytes.wrapOwned(b);
    }

    public static <T> void shuffle(RandomGenerator random, List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
