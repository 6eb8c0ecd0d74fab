package io.kvorum.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The nodes one request may go to, in order: the key's usable replicas rotated by {@code rotation}
 * (so load spreads over them), then the other usable members (when no replica is usable, a
 * non-replica coordinator still forwards); round-robin over the usable members when the ring is not
 * known; every known address when nothing is known to be usable (better to try than to give up).
 */
final class Route {
    /** One candidate: the node's id (null for a bare contact point), its address and how it was chosen. */
    record Target(String id, NodeAddress address, boolean replica, boolean withoutRing) {
        @Override
        public String toString() {
            return (id == null ? "" : id + "@") + address;
        }
    }

    private final List<Target> targets;

    private Route(List<Target> targets) {
        this.targets = targets;
    }

    static Route of(Topology.View view, String key, int rotation, List<NodeAddress> contactPoints) {
        List<Target> targets = new ArrayList<>();
        Map<String, Member> members = view.members();
        List<String> usable = view.usable();
        if (view.ring() != null && key != null) {
            List<String> replicas = new ArrayList<>();
            for (String id : view.ring().preferenceList(key)) {
                Member member = members.get(id);
                if (member != null && member.usable()) {
                    replicas.add(id);
                }
            }
            addRotated(targets, replicas, rotation, members, true, false);
            List<String> others = new ArrayList<>(usable);
            others.removeAll(replicas);
            addRotated(targets, others, rotation, members, false, false);
        } else {
            addRotated(targets, usable, rotation, members, false, true);
        }
        if (targets.isEmpty()) {
            members.values().forEach(m -> targets.add(new Target(m.id(), m.address(), false, view.ring() == null)));
        }
        if (targets.isEmpty()) {
            contactPoints.forEach(a -> targets.add(new Target(null, a, false, true)));
        }
        return new Route(List.copyOf(targets));
    }

    private static void addRotated(List<Target> into, List<String> ids, int rotation, Map<String, Member> members,
                                   boolean replica, boolean withoutRing) {
        int size = ids.size();
        for (int i = 0; i < size; i++) {
            Member member = members.get(ids.get(Math.floorMod(rotation + i, size)));
            into.add(new Target(member.id(), member.address(), replica, withoutRing));
        }
    }

    boolean isEmpty() {
        return targets.isEmpty();
    }

    /** The node for attempt {@code attempt} (0-based), cycling through the candidates. */
    Target target(int attempt) {
        return targets.get(attempt % targets.size());
    }
}
