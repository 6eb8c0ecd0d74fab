package io.kvorum.gossip;

import io.kvorum.common.NodeId;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** Shared builders for gossip tests. */
final class Fixtures {
    private Fixtures() {}

    static NodeId id(String name) {
        return NodeId.of(name);
    }

    static String address(NodeId id) {
        return id.value() + ".test:7000";
    }

    static LocalMember local(String name, long generation, Status status) {
        NodeId id = id(name);
        return new LocalMember(id, address(id), id.value() + ".test:8080", List.of((long) name.hashCode(), 42L),
                generation, status);
    }

    static Seed seed(String name) {
        return new Seed(id(name), address(id(name)));
    }

    static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }

    static MemberInfo info(Status status, long version) {
        return new MemberInfo("h:1", "h:2", status, List.of(1L, 2L), version);
    }

    static MemberState state(String name, long generation, long heartbeat, long infoVersion) {
        return new MemberState(id(name), generation, heartbeat, info(Status.UP, infoVersion));
    }
}
