package io.kvorum.node.core;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.node.antientropy.AntiEntropySettings;
import io.kvorum.node.handoff.HandoffSettings;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.KeyLimits;

/**
 * What a node's core needs to know about itself: its id, the actor its writes are issued under,
 * the replication factor N, the pruning bound of a key's version history, the limits a write must
 * keep a key within, and how it runs hinted handoff and anti-entropy.
 */
public record NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors, KeyLimits keyLimits, HandoffSettings handoff,
                               AntiEntropySettings antiEntropy) {
    public NodeCoreSettings {
        Invariants.require(actor.node().equals(self), "actor %s does not belong to node %s", actor, self);
        Invariants.require(n >= 1, "quorum.n must be >= 1, got %d", n);
        Invariants.require(actor.epoch() < (1L << 23), "actor epoch %d leaves no room for request ids", actor.epoch());
        Invariants.require(maxActors >= 1, "maxActors must be >= 1, got %d", maxActors);
        Invariants.require(keyLimits != null, "keyLimits must be present");
    }

    /** No key limits, default handoff and anti-entropy. */
    public NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors) {
        this(self, actor, n, maxActors, KeyLimits.NONE, HandoffSettings.defaults(), AntiEntropySettings.defaults());
    }
}
