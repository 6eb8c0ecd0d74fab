package io.kvorum.node.membership;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.MemberInfo;
import io.kvorum.gossip.MemberState;
import io.kvorum.gossip.MembershipState;
import io.kvorum.ring.Ring;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/** The ring now and the change in flight, as a node derives them from what gossip says of every member. */
final class RingViews {
    /** The ring that owns the data now, and the one change in flight, if any. */
    record Views(Ring current, Optional<ChangePlan> plan) {}

    private RingViews() {}

    /**
     * The ring now: bootstrap members not heard from yet, and every member that owns its tokens
     * except one replaced by a member that is up. The ring after the change in flight: the ring now
     * with that one change applied. Changes are made one at a time: when several were started at
     * once (two operators, or two joiners, before gossip told either of the other), the one whose
     * member comes first in id order goes first, on every node alike, and the others wait.
     */
    static Views of(MembershipState state, SortedMap<NodeId, List<Long>> bootstrapTokens, int vnodesPerNode, int n) {
        SortedMap<NodeId, List<Long>> current = new TreeMap<>(bootstrapTokens);
        TreeMap<NodeId, ChangePlan.Reason> changes = new TreeMap<>();
        Set<NodeId> replacedByUp = new HashSet<>(); // lookups only
        for (MemberState member : state.members()) {
            current.remove(member.id());
            MemberInfo info = member.info();
            if (info.tokens().size() != vnodesPerNode || info.status() == io.kvorum.gossip.Status.REMOVED) {
                continue;
            }
            boolean replaced = replacementFinished(info, state);
            if (info.status().ownsTokens() || replaced) {
                current.put(member.id(), info.tokens());
            }
            if (info.status() == io.kvorum.gossip.Status.UP || replaced) {
                info.replaces().ifPresent(replacedByUp::add);
            }
            if (!replaced) {
                changeOf(info).ifPresent(reason -> changes.put(member.id(), reason));
            }
        }
        replacedByUp.forEach(current::remove);
        Ring ring = Ring.fromTokens(withoutClaimedTwice(current), vnodesPerNode);
        Optional<ChangePlan> plan = changes.isEmpty() ? Optional.empty() : Optional.ofNullable(
                planOf(state.member(changes.firstKey()).orElseThrow(), changes.firstEntry().getValue(), current, ring, vnodesPerNode, n));
        return new Views(ring, plan);
    }

    /**
     * A replacement announces UP and the tombstone of the member it replaced in one step, but gossip
     * spreads the two entries separately: a node that learns of the tombstone first must not see a
     * ring without both (it would move the dead member's ranges to other nodes, and count writes
     * there that the replacement's ring never reads). The tombstone is only written once the
     * replacement has all its ranges, so it stands for the replacement's UP.
     */
    private static boolean replacementFinished(MemberInfo info, MembershipState state) {
        return info.status() == io.kvorum.gossip.Status.JOINING && info.replaces().isPresent()
                && state.member(info.replaces().get()).map(dead -> dead.status() == io.kvorum.gossip.Status.REMOVED).orElse(false);
    }

    /** The change a member's gossiped state starts, if any. */
    private static Optional<ChangePlan.Reason> changeOf(MemberInfo info) {
        return switch (info.status()) {
            case JOINING -> Optional.of(info.replaces().isPresent() ? ChangePlan.Reason.REPLACE : ChangePlan.Reason.JOIN);
            case LEAVING -> Optional.of(ChangePlan.Reason.LEAVE);
            case REMOVING -> Optional.of(ChangePlan.Reason.REMOVE);
            case UP, DOWN, REMOVED -> Optional.empty();
        };
    }

    /** The plan of {@code state}'s change alone, from the ring now ({@code current}'s tokens). */
    private static ChangePlan planOf(MemberState state, ChangePlan.Reason reason, SortedMap<NodeId, List<Long>> current,
                                     Ring ring, int vnodesPerNode, int n) {
        NodeId subject = state.id();
        SortedMap<NodeId, List<Long>> future = new TreeMap<>(current);
        Set<NodeId> dead = new HashSet<>(); // lookups only
        switch (reason) {
            case JOIN -> future.put(subject, state.info().tokens());
            case REPLACE -> {
                NodeId replaced = state.info().replaces().orElseThrow();
                dead.add(replaced);
                future.remove(replaced);
                future.put(subject, state.info().tokens());
            }
            case LEAVE -> future.remove(subject);
            case REMOVE -> {
                dead.add(subject);
                future.remove(subject);
            }
        }
        Ring after = Ring.fromTokens(withoutClaimedTwice(future), vnodesPerNode);
        return ChangePlan.between(reason, subject, ring, after, n, dead);
    }

    /**
     * Gossip is outside input: two members may claim the same token (two nodes that joined at the
     * same moment allocate from the same ring). Ring building must not fail on that, on any node,
     * ever: the member first in id order keeps the token and a later claimant is left off the ring
     * (it still coordinates), the same decision on every node.
     */
    static SortedMap<NodeId, List<Long>> withoutClaimedTwice(SortedMap<NodeId, List<Long>> tokens) {
        Set<Long> claimed = new HashSet<>(); // lookups only
        SortedMap<NodeId, List<Long>> kept = new TreeMap<>();
        tokens.forEach((id, owned) -> {
            if (owned.stream().noneMatch(claimed::contains) && owned.stream().distinct().count() == owned.size()) {
                claimed.addAll(owned);
                kept.put(id, owned);
            }
        });
        return kept;
    }
}
