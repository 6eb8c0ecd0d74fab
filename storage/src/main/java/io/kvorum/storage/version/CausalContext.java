package io.kvorum.storage.version;

import io.kvorum.common.Invariants;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The set of dots a replica or a client has seen: a version vector (for each actor, every dot up to
 * a counter) plus a <em>dot cloud</em> of seen dots beyond that contiguous prefix.
 *
 * <p>Design note. A plain version vector can only say "all dots of actor A up to k". That is not
 * enough for the context a writer gets back: after writing dot A:6 with a read context that held A
 * up to 4 (A:5 being a concurrent sibling the writer never saw), the writer has seen A:1..4 and A:6
 * but <em>not</em> A:5; a version vector would have to claim A:5 too, and the next write with that
 * context would silently drop A:5. The dot cloud holds A:6 apart until A:5 is seen, then
 * {@link #compact} folds it in. This is the compact causal context of Almeida, Shoker and Baquero,
 * "Delta State Replicated Data Types" (2018), applied to Preguiça et al.'s dotted version vectors
 * (2010): with per-key counters the cloud is empty in steady state.
 *
 * <p>Each actor also carries the wall-clock time of the newest dot seen from it. It is used for one
 * thing only: {@link #prune pruning} evicts the actors seen longest ago (riak's {@code vclock:prune}).
 *
 * <p>Immutable. Iteration is sorted, so equal contexts encode to equal bytes.
 */
public final class CausalContext {
    /** The contiguous prefix seen from one actor ({@code counter} may be 0 when only cloud dots are known). */
    public record Entry(long counter, long wallMillis) {
        public Entry {
            Invariants.require(counter >= 0, "counter must be >= 0, got %d", counter);
        }
    }

    public static final CausalContext EMPTY = new CausalContext(new TreeMap<>(), new TreeSet<>());

    private final NavigableMap<Actor, Entry> entries;
    private final NavigableSet<Dot> cloud;

    private CausalContext(TreeMap<Actor, Entry> entries, TreeSet<Dot> cloud) {
        compact(entries, cloud);
        this.entries = Collections.unmodifiableNavigableMap(entries);
        this.cloud = Collections.unmodifiableNavigableSet(cloud);
    }

    /** A context from decoded parts; they are copied and compacted. Every cloud dot's actor must have an entry. */
    public static CausalContext of(Map<Actor, Entry> entries, Set<Dot> cloud) {
        TreeMap<Actor, Entry> e = new TreeMap<>(entries);
        for (Dot dot : cloud) {
            Invariants.require(e.containsKey(dot.actor()), "cloud dot %s has no actor entry", dot);
        }
        return new CausalContext(e, new TreeSet<>(cloud));
    }

    public NavigableMap<Actor, Entry> entries() {
        return entries;
    }

    public NavigableSet<Dot> cloud() {
        return cloud;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int actorCount() {
        return entries.size();
    }

    public boolean contains(Dot dot) {
        Entry entry = entries.get(dot.actor());
        return entry != null && (dot.counter() <= entry.counter() || cloud.contains(dot));
    }

    /** The highest counter seen from {@code actor}, in the prefix or the cloud; 0 when none. */
    public long maxCounter(Actor actor) {
        Entry entry = entries.get(actor);
        if (entry == null) {
            return 0;
        }
        Dot last = cloud.floor(new Dot(actor, Long.MAX_VALUE));
        return last != null && last.actor().equals(actor) ? Math.max(entry.counter(), last.counter()) : entry.counter();
    }

    /** This context plus one dot, seen at {@code wallMillis}. */
    public CausalContext add(Dot dot, long wallMillis) {
        TreeMap<Actor, Entry> e = new TreeMap<>(entries);
        TreeSet<Dot> c = new TreeSet<>(cloud);
        Entry old = e.get(dot.actor());
        long counter = old == null ? 0 : old.counter();
        long millis = old == null ? wallMillis : Math.max(old.wallMillis(), wallMillis);
        e.put(dot.actor(), new Entry(counter, millis));
        if (dot.counter() > counter) {
            c.add(dot);
        }
        return new CausalContext(e, c);
    }

    /**
     * This context plus every dot of {@code dot}'s actor up to {@code dot}: for the coordinator's own
     * state only, where all of its actor's dots for the key are known (see {@code Siblings.write}).
     */
    public CausalContext withPrefix(Dot dot, long wallMillis) {
        TreeMap<Actor, Entry> e = new TreeMap<>(entries);
        Entry old = e.get(dot.actor());
        long millis = old == null ? wallMillis : Math.max(old.wallMillis(), wallMillis);
        long counter = old == null ? dot.counter() : Math.max(old.counter(), dot.counter());
        e.put(dot.actor(), new Entry(counter, millis));
        return new CausalContext(e, new TreeSet<>(cloud));
    }

    /**
     * This context without any dot of {@code actor} above {@code counterMax}: what a coordinator keeps
     * of a context that claims more of its own dots than it ever issued (dots that do not exist).
     */
    public CausalContext cappedAt(Actor actor, long counterMax) {
        if (maxCounter(actor) <= counterMax) {
            return this;
        }
        TreeMap<Actor, Entry> e = new TreeMap<>(entries);
        Entry old = e.get(actor);
        e.put(actor, new Entry(Math.min(old.counter(), Math.max(0, counterMax)), old.wallMillis()));
        TreeSet<Dot> c = new TreeSet<>(cloud);
        c.removeIf(dot -> dot.actor().equals(actor) && dot.counter() > counterMax);
        return new CausalContext(e, c);
    }

    /** The union of both histories (pointwise maximum and cloud union): commutative, associative, idempotent. */
    public CausalContext merge(CausalContext other) {
        if (other.entries.isEmpty() || other.equals(this)) {
            return this;
        }
        if (entries.isEmpty()) {
            return other;
        }
        TreeMap<Actor, Entry> e = new TreeMap<>(entries);
        other.entries.forEach((actor, theirs) -> e.merge(actor, theirs, (a, b) ->
                new Entry(Math.max(a.counter(), b.counter()), Math.max(a.wallMillis(), b.wallMillis()))));
        TreeSet<Dot> c = new TreeSet<>(cloud);
        c.addAll(other.cloud);
        return new CausalContext(e, c);
    }

    /** True when every dot of {@code other} is in this context. */
    public boolean covers(CausalContext other) {
        for (Map.Entry<Actor, Entry> theirs : other.entries.entrySet()) {
            Entry mine = entries.get(theirs.getKey());
            long mineCounter = mine == null ? 0 : mine.counter();
            for (long k = mineCounter + 1; k <= theirs.getValue().counter(); k++) {
                if (mine == null || !cloud.contains(new Dot(theirs.getKey(), k))) {
                    return false; // usually the first probe decides: clouds are tiny
                }
            }
        }
        for (Dot dot : other.cloud) {
            if (!contains(dot)) {
                return false;
            }
        }
        return true;
    }

    /** The four-way comparison of the two histories as sets of dots. */
    public Causality compare(CausalContext other) {
        boolean coversOther = covers(other);
        boolean coveredByOther = other.covers(this);
        if (coversOther && coveredByOther) {
            return Causality.EQUAL;
        }
        if (coversOther) {
            return Causality.AFTER;
        }
        return coveredByOther ? Causality.BEFORE : Causality.CONCURRENT;
    }

    /**
     * Drops the actors seen longest ago (by wall time, then actor order, so every replica prunes
     * alike) until at most {@code maxActors} remain, never dropping one in {@code keep}.
     *
     * <p>Pruning forgets history, so its only possible harm is a false conflict, never a lost write:
     * a forgotten dot can no longer be covered, so a version still carrying it comes back as a sibling.
     */
    public CausalContext prune(int maxActors, Set<Actor> keep) {
        Invariants.require(maxActors >= 1, "maxActors must be >= 1, got %d", maxActors);
        if (entries.size() <= maxActors) {
            return this;
        }
        List<Actor> candidates = new ArrayList<>();
        for (Actor actor : entries.keySet()) {
            if (!keep.contains(actor)) {
                candidates.add(actor);
            }
        }
        candidates.sort((a, b) -> {
            int byTime = Long.compare(entries.get(a).wallMillis(), entries.get(b).wallMillis());
            return byTime != 0 ? byTime : a.compareTo(b);
        });
        TreeMap<Actor, Entry> e = new TreeMap<>(entries);
        TreeSet<Dot> c = new TreeSet<>(cloud);
        for (int i = 0; i < candidates.size() && e.size() > maxActors; i++) {
            Actor victim = candidates.get(i);
            e.remove(victim);
            c.removeIf(dot -> dot.actor().equals(victim));
        }
        return new CausalContext(e, c);
    }

    /**
     * Folds cloud dots that extend an actor's prefix into it, drops cloud dots the prefix covers, and
     * drops entries that record nothing (counter 0 and no cloud dot), so equal histories are equal values.
     */
    private static void compact(TreeMap<Actor, Entry> entries, TreeSet<Dot> cloud) {
        if (cloud.isEmpty()) {
            entries.values().removeIf(entry -> entry.counter() == 0);
            return;
        }
        var it = cloud.iterator();
        while (it.hasNext()) {
            Dot dot = it.next(); // sorted by actor then counter, so one pass suffices
            Entry entry = entries.get(dot.actor());
            Invariants.check(entry != null, "cloud dot %s without an actor entry", dot);
            if (dot.counter() <= entry.counter()) {
                it.remove();
            } else if (dot.counter() == entry.counter() + 1) {
                entries.put(dot.actor(), new Entry(dot.counter(), entry.wallMillis()));
                it.remove();
            }
        }
        entries.entrySet().removeIf(e -> e.getValue().counter() == 0 && cloudOf(cloud, e.getKey()) == null);
    }

    private static Dot cloudOf(TreeSet<Dot> cloud, Actor actor) {
        Dot first = cloud.ceiling(new Dot(actor, 1));
        return first != null && first.actor().equals(actor) ? first : null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalContext other && entries.equals(other.entries) && cloud.equals(other.cloud);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, cloud);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        entries.forEach((actor, entry) -> sb.append(sb.length() > 1 ? ", " : "").append(actor).append("≤").append(entry.counter()));
        cloud.forEach(dot -> sb.append(", +").append(dot));
        return sb.append('}').toString();
    }
}
