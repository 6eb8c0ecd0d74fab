package io.kvorum.node.membership;

import io.kvorum.ring.Ring;
import java.util.List;

/**
 * The fixed member list from configuration: every member is taken to be up and the ring never
 * changes. Stands in until gossip and the failure detector provide a live view.
 */
public final class StaticMembership implements Membership {
    private final List<Member> members;
    private final Ring ring;

    public StaticMembership(List<Member> members, Ring ring) {
        this.members = List.copyOf(members);
        this.ring = ring;
    }

    @Override
    public List<Member> members() {
        return members;
    }

    @Override
    public Ring ring() {
        return ring;
    }
}
