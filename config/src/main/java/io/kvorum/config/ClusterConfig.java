package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;

import io.kvorum.common.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster's members ({@code cluster.members}) in join order. The order is significant: token
 * allocation walks it, so every node must be given the same list in the same order. Also the
 * cluster's {@code name}, which the internode handshake authenticates.
 */
public record ClusterConfig(List<MemberAddress> members, String name) {
    /** The members of a cluster with the default name. */
    public ClusterConfig(List<MemberAddress> members) {
        this(members, ConfigKeys.CLUSTER_NAME.defaultText());
    }

    public ClusterConfig {
        ConfigKeys.CLUSTER_NAME.check(name);
        ConfigKeys.CLUSTER_MEMBERS.check(members);
        for (MemberAddress member : members) {
            ConfigException.requireSet(member, ConfigKeys.CLUSTER_MEMBERS.name() + " entry");
        }
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new ConfigException(List.of(ConfigKeys.CLUSTER_MEMBERS.name()),
                    ConfigKeys.CLUSTER_MEMBERS.name() + ": lists no members");
        }
        Set<NodeId> seen = new HashSet<>(); // lookup only; iteration order never matters here
        for (MemberAddress member : members) {
            if (!seen.add(member.id())) {
                throw new ConfigException(List.of(ConfigKeys.CLUSTER_MEMBERS.name()),
                        ConfigKeys.CLUSTER_MEMBERS.name() + ": node id " + quote(member.id().value()) + " is listed twice");
            }
        }
    }

    /** The member ids in join order. */
    public List<NodeId> ids() {
        return members.stream().map(MemberAddress::id).toList();
    }

    /** The member with this id, if it is one. */
    public Optional<MemberAddress> member(NodeId id) {
        return members.stream().filter(member -> member.id().equals(id)).findFirst();
    }
}
