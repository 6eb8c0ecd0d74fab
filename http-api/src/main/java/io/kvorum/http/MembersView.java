package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.OptionalDouble;

/** This node's view of the cluster, for {@code GET /cluster/members}. */
public record MembersView(NodeId self, List<Member> members) {
    public MembersView {
        members = List.copyOf(members);
    }

    /**
     * How this node sees one member; {@code internode} is where its peers reach it, {@code phi} is
     * empty when the failure detector has no figure.
     */
    public record Member(NodeId id, String http, String internode, Status status, OptionalDouble phi) {}

    /** A member's status as api.md spells it. */
    public enum Status {
        UP("up"), DOWN("down"), JOINING("joining"), LEAVING("leaving");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
