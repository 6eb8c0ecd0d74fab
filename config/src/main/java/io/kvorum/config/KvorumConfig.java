package io.kvorum.config;

import static io.kvorum.config.ConfigException.quote;
import static io.kvorum.config.ConfigException.requireSet;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A node's whole, validated configuration. Build it with {@link ConfigLoader}; tests may also call
 * {@link #defaults()} and replace sections with the {@code with...} methods.
 */
public record KvorumConfig(
        NodeConfig node,
        HttpConfig http,
        InternodeConfig internode,
        ClusterConfig cluster,
        GossipConfig gossip,
        FailureDetectorConfig failureDetector,
        RingConfig ring,
        QuorumConfig quorum,
        HandoffConfig handoff,
        AntiEntropyConfig antiEntropy,
        StorageConfig storage,
        LoggingConfig logging,
        TransferConfig transfer) {

    public KvorumConfig {
        requireSet(node, "node");
        requireSet(http, "http");
        requireSet(internode, "internode");
        requireSet(cluster, "cluster");
        requireSet(gossip, "gossip");
        requireSet(failureDetector, "failureDetector");
        requireSet(ring, "ring");
        requireSet(quorum, "quorum");
        requireSet(handoff, "handoff");
        requireSet(antiEntropy, "antiEntropy");
        requireSet(storage, "storage");
        requireSet(logging, "logging");
        requireSet(transfer, "transfer");
        requireFrameFitsValue(internode, http);
        requireKeyLimitFits(storage, http, internode, quorum);
        requireSelfIsMember(node, cluster);
    }

    /** The configuration with every key at its default: a one-node cluster of {@code node-1} on 127.0.0.1. */
    public static KvorumConfig defaults() {
        return ConfigLoader.load(List.of(), Map.of());
    }

    /** This configuration with {@code node} replaced (validated again as a whole). */
    public KvorumConfig withNode(NodeConfig node) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code http} replaced (validated again as a whole). */
    public KvorumConfig withHttp(HttpConfig http) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code internode} replaced (validated again as a whole). */
    public KvorumConfig withInternode(InternodeConfig internode) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code cluster} replaced (validated again as a whole). */
    public KvorumConfig withCluster(ClusterConfig cluster) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code gossip} replaced (validated again as a whole). */
    public KvorumConfig withGossip(GossipConfig gossip) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code ring} replaced (validated again as a whole). */
    public KvorumConfig withRing(RingConfig ring) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code quorum} replaced (validated again as a whole). */
    public KvorumConfig withQuorum(QuorumConfig quorum) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code handoff} replaced (validated again as a whole). */
    public KvorumConfig withHandoff(HandoffConfig handoff) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code transfer} replaced (validated again as a whole). */
    public KvorumConfig withTransfer(TransferConfig transfer) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code antiEntropy} replaced (validated again as a whole). */
    public KvorumConfig withAntiEntropy(AntiEntropyConfig antiEntropy) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code storage} replaced (validated again as a whole). */
    public KvorumConfig withStorage(StorageConfig storage) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** This configuration with {@code logging} replaced (validated again as a whole). */
    public KvorumConfig withLogging(LoggingConfig logging) {
        return new KvorumConfig(node, http, internode, cluster, gossip, failureDetector, ring, quorum, handoff, antiEntropy, storage, logging, transfer);
    }

    /** Values travel between nodes in frames, so a frame must hold the largest value a client may write. */
    private static void requireFrameFitsValue(InternodeConfig internode, HttpConfig http) {
        long frameBytesMin = ConfigKeys.frameBytesMin(http.valueBytesMax());
        if (internode.frameBytesMax() < frameBytesMin) {
            String frameKey = ConfigKeys.INTERNODE_FRAME_BYTES_MAX.name();
            String valueKey = ConfigKeys.HTTP_VALUE_BYTES_MAX.name();
            throw new ConfigException(List.of(frameKey, valueKey), frameKey + ": "
                    + Units.formatBytes(internode.frameBytesMax()) + " is below " + Units.formatBytes(frameBytesMin)
                    + ", the minimum for " + valueKey + " " + Units.formatBytes(http.valueBytesMax())
                    + " (must be at least " + valueKey + " * " + ConfigKeys.FRAME_VALUES_MIN
                    + " + " + Units.formatBytes(ConfigKeys.FRAME_OVERHEAD_BYTES) + ")");
        }
    }

    /**
     * A key must hold one value of the largest size, or a write resolving its siblings could be
     * refused; and a replica's state, which may join what up to N coordinators each admitted, must
     * fit in one frame, or the key could no longer be read or repaired.
     */
    private static void requireKeyLimitFits(StorageConfig storage, HttpConfig http, InternodeConfig internode, QuorumConfig quorum) {
        String keyKey = ConfigKeys.STORAGE_KEY_BYTES_MAX.name();
        long keyBytesMin = (long) http.valueBytesMax() + ConfigKeys.KEY_HISTORY_BYTES;
        if (storage.keyBytesMax() < keyBytesMin) {
            String valueKey = ConfigKeys.HTTP_VALUE_BYTES_MAX.name();
            throw new ConfigException(List.of(keyKey, valueKey), keyKey + ": " + Units.formatBytes(storage.keyBytesMax())
                    + " is below " + Units.formatBytes(keyBytesMin) + ", the minimum for " + valueKey + " "
                    + Units.formatBytes(http.valueBytesMax()) + " (must be at least " + valueKey + " + "
                    + Units.formatBytes(ConfigKeys.KEY_HISTORY_BYTES) + ", so that one value always fits)");
        }
        long frameBytesMin = (long) storage.keyBytesMax() * quorum.n() + ConfigKeys.FRAME_OVERHEAD_BYTES;
        if (internode.frameBytesMax() < frameBytesMin) {
            String frameKey = ConfigKeys.INTERNODE_FRAME_BYTES_MAX.name();
            String nKey = ConfigKeys.QUORUM_N.name();
            throw new ConfigException(List.of(frameKey, keyKey, nKey), frameKey + ": " + Units.formatBytes(internode.frameBytesMax())
                    + " is below " + Units.formatBytes(frameBytesMin) + ", the minimum for " + keyKey + " "
                    + Units.formatBytes(storage.keyBytesMax()) + " and " + nKey + " " + quorum.n() + " (must be at least "
                    + keyKey + " * " + nKey + " + " + Units.formatBytes(ConfigKeys.FRAME_OVERHEAD_BYTES)
                    + ": a replica may hold what each of N coordinators admitted)");
        }
    }

    /** A node that is not in its own member list would own no tokens and could never be found by peers. */
    private static void requireSelfIsMember(NodeConfig node, ClusterConfig cluster) {
        if (cluster.member(node.id()).isEmpty()) {
            String membersKey = ConfigKeys.CLUSTER_MEMBERS.name();
            String idKey = ConfigKeys.NODE_ID.name();
            String ids = cluster.ids().stream().map(Object::toString).collect(Collectors.joining(", "));
            throw new ConfigException(List.of(membersKey, idKey), membersKey + ": does not include this node's "
                    + idKey + " " + quote(node.id().value()) + " (members: " + ids + ")");
        }
    }
}
