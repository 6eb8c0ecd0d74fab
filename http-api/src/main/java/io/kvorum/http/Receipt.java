package io.kvorum.http;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's acknowledgement of a write: a {@code PRIMARY} is one of the key's N preferred replicas
 * storing it as its own data; a {@code FALLBACK} is a stand-in holding it as a hint {@code forOwner},
 * a preferred replica that was down, until it can hand the write back.
 */
public record Receipt(NodeId node, Role role, Optional<NodeId> forOwner) {
    public Receipt {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(forOwner, "forOwner");
        switch (role) {
            case PRIMARY -> Invariants.require(forOwner.isEmpty(),
                    "a primary receipt has no forOwner; %s stores the write as its own (forOwner %s)", node, forOwner);
            case FALLBACK -> {
                Invariants.require(forOwner.isPresent(),
                        "a fallback receipt needs forOwner: whose hint %s holds", node);
                Invariants.require(!forOwner.get().equals(node), "%s cannot stand in for itself", node);
            }
        }
    }

    /** {@code node}, one of the key's preferred replicas, stored the write as its own data. */
    public static Receipt primary(NodeId node) {
        return new Receipt(node, Role.PRIMARY, Optional.empty());
    }

    /** {@code node} stood in for the down preferred replica {@code owner} and holds the write as a hint for it. */
    public static Receipt fallback(NodeId node, NodeId owner) {
        return new Receipt(node, Role.FALLBACK, Optional.of(owner));
    }

    /** How a node acknowledged, as the {@code role} field of a write receipt spells it. */
    public enum Role {
        PRIMARY("primary"), FALLBACK("fallback");

        private final String wire;

        Role(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
