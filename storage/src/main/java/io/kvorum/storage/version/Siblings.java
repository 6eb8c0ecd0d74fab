package io.kvorum.storage.version;

import io.kvorum.common.Bytes;
import io.kvorum.common.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole versioned state of one key on one replica: the concurrent versions still alive
 * ({@link #siblings}, sorted by dot) and the {@link #context} of every dot this replica has seen.
 *
 * <p>Design note. This is a dotted version vector set (Preguiça et al. 2010; Almeida et al. 2014,
 * as in Riak 2.0), kept as a causal kernel: a sibling is alive until some state has seen its dot
 * without keeping it, which means a write whose context covered it superseded it.
 *
 * <ul>
 *   <li>{@link #write} is the coordinator's step. The new dot is a fresh counter of the
 *       coordinating actor, above any it holds for this key, so two writes with the same stale context through
 *       the same coordinator get different dots and neither covers the other: both survive. (A
 *       per-coordinator vector clock, where both writes would get "context + 1 for node A", keeps
 *       only one of them: the Voldemort bug the issue names.)</li>
 *   <li>{@link #merge} joins two replicas' states: a sibling survives if both keep it, or if the
 *       other side has never seen its dot. It is commutative, associative and idempotent, so
 *       replicas converge whatever order states travel in (read repair, handoff, anti-entropy).</li>
 * </ul>
 *
 * <p>Invariants (checked on construction): siblings are sorted with distinct dots, and every
 * sibling's dot is in the context. A merge of two states holding the same dot with different
 * contents is a broken invariant (a reissued dot) and fails loudly.
 */
public record Siblings(CausalContext context, List<Sibling> siblings) {
    /** The state of a key nobody has written. */
    public static final Siblings EMPTY = new Siblings(CausalContext.EMPTY, List.of());

    /**
     * How many actors a key's context keeps before the ones seen longest ago are pruned. Actors are
     * (node, epoch) pairs, so this bounds the clock even across many restarts; Riak prunes at 50.
     */
    public static final int DEFAULT_MAX_ACTORS = 50;

    public Siblings {
        Invariants.require(context != null && siblings != null, "context and siblings must be present");
        siblings = List.copyOf(siblings);
        for (int i = 0; i < siblings.size(); i++) {
            Sibling s = siblings.get(i);
            Invariants.require(context.contains(s.dot()), "sibling %s is not in the context %s", s.dot(), context);
            Invariants.require(i == 0 || siblings.get(i - 1).dot().compareTo(s.dot()) < 0,
                    "siblings must be sorted by dot with no duplicates, got %s after %s", s.dot(), i == 0 ? "-" : siblings.get(i - 1).dot());
        }
    }

    /** The result of a coordinator's write: the new state, the new dot, and what the writer has now seen. */
    public record NewVersion(Siblings state, Dot dot, CausalContext versionContext) {}

    /**
     * Writes a new version ({@code value}, or a tombstone when empty) coordinated by the issuer's
     * actor with the writer's {@code clientContext}: drops every sibling the context covers, keeps the rest.
     *
     * <p>The new state's context claims every dot of the coordinating actor up to the new one. That
     * claim is sound only on the coordinator's own replica: every dot its actor issued for this key
     * was issued from, and stored in, this very state first, so none can be unknown here.
     *
     * @return the new state; and the new version's context ({@code clientContext} plus the new dot,
     *     never the whole state's context, which may hold concurrent dots the writer has not seen)
     */
    public NewVersion write(DotIssuer issuer, CausalContext clientContext, Optional<Bytes> value, long wallMillis, int maxActors) {
        Actor actor = issuer.actor();
        Dot dot = new Dot(actor, issuer.next(Math.max(context.maxCounter(actor), clientContext.maxCounter(actor))));
        List<Sibling> kept = new ArrayList<>(siblings.size() + 1);
        for (Sibling s : siblings) {
            if (!clientContext.contains(s.dot())) {
                kept.add(s);
            }
        }
        kept.add(value.map(v -> Sibling.value(dot, v, wallMillis)).orElseGet(() -> Sibling.tombstone(dot, wallMillis)));
        kept.sort(null);
        CausalContext merged = context.merge(clientContext).withPrefix(dot, wallMillis);
        Siblings state = new Siblings(merged, kept).prune(maxActors);
        return new NewVersion(state, dot, clientContext.add(dot, wallMillis));
    }

    /** The join of two replicas' states (see the design note). */
    public Siblings merge(Siblings other, int maxActors) {
        if (other.equals(this) || other.context.isEmpty()) {
            return prune(maxActors);
        }
        if (context.isEmpty()) {
            return other.prune(maxActors);
        }
        List<Sibling> result = new ArrayList<>(siblings.size() + other.siblings.size());
        int i = 0;
        int j = 0;
        while (i < siblings.size() || j < other.siblings.size()) {
            Sibling mine = i < siblings.size() ? siblings.get(i) : null;
            Sibling theirs = j < other.siblings.size() ? other.siblings.get(j) : null;
            int order = mine == null ? 1 : theirs == null ? -1 : mine.dot().compareTo(theirs.dot());
            if (order == 0) {
                Invariants.check(mine.equals(theirs), "dot %s issued twice with different contents", mine.dot());
                result.add(mine);
                i++;
                j++;
            } else if (order < 0) {
                if (!other.context.contains(mine.dot())) {
                    result.add(mine);
                }
                i++;
            } else {
                if (!context.contains(theirs.dot())) {
                    result.add(theirs);
                }
                j++;
            }
        }
        return new Siblings(context.merge(other.context), result).prune(maxActors);
    }

    /** The siblings that are not tombstones, in dot order. */
    public List<Sibling> live() {
        List<Sibling> live = new ArrayList<>(siblings.size());
        for (Sibling s : siblings) {
            if (!s.tombstone()) {
                live.add(s);
            }
        }
        return live;
    }

    /** When the state was last written: the newest wall time in its context or siblings (0 when it has none). */
    public long newestWallMillis() {
        long newest = 0;
        for (CausalContext.Entry entry : context().entries().values()) {
            newest = Math.max(newest, entry.wallMillis());
        }
        for (Sibling s : siblings()) {
            newest = Math.max(newest, s.wallMillis());
        }
        return newest;
    }

    public boolean hasLiveValue() {
        for (Sibling s : siblings) {
            if (!s.tombstone()) {
                return true;
            }
        }
        return false;
    }

    /** True for a key nobody has written (no siblings and nothing seen). */
    public boolean isEmpty() {
        return siblings.isEmpty() && context.isEmpty();
    }

    private Siblings prune(int maxActors) {
        if (context.actorCount() <= maxActors) {
            return this;
        }
        Set<Actor> alive = new TreeSet<>();
        for (Sibling s : siblings) {
            alive.add(s.dot().actor());
        }
        return new Siblings(context.prune(maxActors, alive), siblings);
    }
}
