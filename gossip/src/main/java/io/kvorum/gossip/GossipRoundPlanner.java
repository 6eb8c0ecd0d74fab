package io.kvorum.gossip;

import io.kvorum.common.NodeId;
import io.kvorum.gossip.GossipMessage.GossipAck;
import io.kvorum.gossip.GossipMessage.GossipAck2;
import io.kvorum.gossip.GossipMessage.GossipSyn;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The pure planning of one SYN/ACK/ACK2 exchange over a node's member states: which digests to offer,
 * which updates to send and which to request. Every list it builds is bounded by the settings; when a
 * bound cuts a list, a random contiguous window is kept so that no member starves round after round.
 */
final class GossipRoundPlanner {
    private final GossipSettings settings;

    GossipRoundPlanner(GossipSettings settings) {
        this.settings = settings;
    }

    /** The SYN: every digest, or this node's own plus a random window of the others when over the bound. */
    GossipSyn syn(NodeId self, String selfAddress, NavigableMap<NodeId, MemberState> members, RandomGenerator random) {
        List<Digest> all = new ArrayList<>(members.size());
        members.values().forEach(state -> all.add(state.digest()));
        if (all.size() <= settings.digestsPerMessageMax()) {
            return new GossipSyn(selfAddress, all, true);
        }
        List<Digest> others = new ArrayList<>(all);
        others.removeIf(digest -> digest.id().equals(self));
        List<Digest> offered = new ArrayList<>();
        offered.add(members.get(self).digest());
        offered.addAll(window(others, settings.digestsPerMessageMax() - 1, random));
        return new GossipSyn(selfAddress, offered, false);
    }

    /**
     * The ACK to {@code syn}: updates where this node is newer (and, when the SYN listed everything
     * its sender knows, the members it did not list), requests where the sender is newer.
     */
    GossipAck ack(NodeId self, NavigableMap<NodeId, MemberState> members, GossipSyn syn, RandomGenerator random) {
        List<MemberUpdate> updates = new ArrayList<>();
        List<Digest> requests = new ArrayList<>();
        TreeSet<NodeId> mentioned = new TreeSet<>();
        for (Digest theirs : syn.digests()) {
            mentioned.add(theirs.id());
            MemberState ours = members.get(theirs.id());
            if (ours == null) {
                requests.add(Digest.unknown(theirs.id()));
            } else if (ours.digest().compareVersion(theirs) > 0) {
                ours.deltaSince(theirs).ifPresent(updates::add);
            } else if (ours.digest().compareVersion(theirs) < 0 && !ours.id().equals(self)) {
                // A newer state of this node itself is never adopted (see GossipProtocol), so never asked for.
                requests.add(ours.digest());
            }
        }
        if (syn.complete()) {
            List<MemberUpdate> unmentioned = new ArrayList<>();
            for (MemberState ours : members.values()) {
                if (!mentioned.contains(ours.id())) {
                    unmentioned.add(ours.toUpdate());
                }
            }
            updates.addAll(unmentioned);
        }
        return new GossipAck(window(updates, settings.updatesPerMessageMax(), random),
                window(requests, settings.digestsPerMessageMax(), random));
    }

    /** The ACK2: what the ACK's requests asked for, where this node has it. */
    GossipAck2 ack2(NavigableMap<NodeId, MemberState> members, List<Digest> requests, RandomGenerator random) {
        List<MemberUpdate> updates = new ArrayList<>();
        for (Digest request : requests) {
            Optional.ofNullable(members.get(request.id()))
                    .flatMap(state -> state.deltaSince(request))
                    .ifPresent(updates::add);
        }
        return new GossipAck2(window(updates, settings.updatesPerMessageMax(), random));
    }

    /** {@code items} when within {@code max}, else a random contiguous (wrapping) window of {@code max}. */
    static <T> List<T> window(List<T> items, int max, RandomGenerator random) {
        if (items.size() <= max) {
            return items;
        }
        int start = random.nextInt(items.size());
        List<T> kept = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            kept.add(items.get((start + i) % items.size()));
        }
        return kept;
    }
}
