package io.kvorum.node.core;

import io.kvorum.common.Invariants;
import io.kvorum.common.NodeId;
import io.kvorum.node.antientropy.AntiEntropySettings;
import io.kvorum.node.handoff.HandoffSettings;
import io.kvorum.node.transfer.TransferSettings;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.KeyLimits;

/**
 * What a node's core needs to know about itself: its id, the actor its writes are issued under,
 * the replication factor N, the pruning bound of a key's version history, the limits a write must
 * keep a key within, how it runs hinted handoff and anti-entropy, and {@code operationsMax}
 * ({@code node.operations-max}): the most reads and writes it coordinates at once, and the most
 * storage operations it has in progress at once; past either, a new one fails at once, naming the key;
 * whether its reads are digest reads ({@code quorum.digest-reads}), and whether a read asks every
 * replica at once ({@code readFromAll}: {@code quorum.read-fanout: all}) or R of them.
 */
public record NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors, KeyLimits keyLimits, HandoffSettings handoff,
                               AntiEntropySettings antiEntropy, int operationsMax, TransferSettings transfer, boolean digestReads,
                               boolean readFromAll) {
    /** {@code node.operations-max}'s default (the config module's is the one a node uses). */
    public static final int OPERATIONS_MAX_DEFAULT = 10_000;

    public NodeCoreSettings {
        Invariants.require(actor.node().equals(self), "actor %s does not belong to node %s", actor, self);
        Invariants.require(n >= 1, "quorum.n must be >= 1, got %d", n);
        Invariants.require(actor.epoch() < (1L << 23), "actor epoch %d leaves no room for request ids", actor.epoch());
        Invariants.require(maxActors >= 1, "maxActors must be >= 1, got %d", maxActors);
        Invariants.require(keyLimits != null, "keyLimits must be present");
        Invariants.require(operationsMax >= 1, "node.operations-max must be >= 1, got %d", operationsMax);
        Invariants.require(transfer != null, "transfer settings must be present");
    }

    /** With digest reads that ask R replicas first (the defaults). */
    public NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors, KeyLimits keyLimits, HandoffSettings handoff,
                            AntiEntropySettings antiEntropy, int operationsMax, TransferSettings transfer) {
        this(self, actor, n, maxActors, keyLimits, handoff, antiEntropy, operationsMax, transfer, true, false);
    }

    /** Default transfer settings. */
    public NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors, KeyLimits keyLimits, HandoffSettings handoff,
                            AntiEntropySettings antiEntropy, int operationsMax) {
        this(self, actor, n, maxActors, keyLimits, handoff, antiEntropy, operationsMax, TransferSettings.defaults());
    }

    /** These settings with other transfer settings. */
    public NodeCoreSettings withTransfer(TransferSettings newTransfer) {
        return new NodeCoreSettings(self, actor, n, maxActors, keyLimits, handoff, antiEntropy, operationsMax, newTransfer, digestReads, readFromAll);
    }

    /** These settings with digest reads on or off. */
    public NodeCoreSettings withDigestReads(boolean on) {
        return new NodeCoreSettings(self, actor, n, maxActors, keyLimits, handoff, antiEntropy, operationsMax, transfer, on, readFromAll);
    }

    /** These settings with reads that ask every replica at once ({@code true}) or R of them. */
    public NodeCoreSettings withReadFromAll(boolean all) {
        return new NodeCoreSettings(self, actor, n, maxActors, keyLimits, handoff, antiEntropy, operationsMax, transfer, digestReads, all);
    }

    /** The default bound on operations. */
    public NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors, KeyLimits keyLimits, HandoffSettings handoff,
                            AntiEntropySettings antiEntropy) {
        this(self, actor, n, maxActors, keyLimits, handoff, antiEntropy, OPERATIONS_MAX_DEFAULT);
    }

    /** No key limits, default handoff and anti-entropy. */
    public NodeCoreSettings(NodeId self, Actor actor, int n, int maxActors) {
        this(self, actor, n, maxActors, KeyLimits.NONE, HandoffSettings.defaults(), AntiEntropySettings.defaults());
    }
}
