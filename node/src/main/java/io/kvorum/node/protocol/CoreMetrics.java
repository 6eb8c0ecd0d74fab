package io.kvorum.node.protocol;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.membership.MembershipEvent;
import io.kvorum.storage.version.KeyLimits;
import java.util.List;

/**
 * The counters and events the core reports; the runtime backs them with Dropwizard metrics and
 * (rate-limited) log lines, tests with counts. The core decides what happened; only the runtime logs.
 */
public interface CoreMetrics {
    CoreMetrics NONE = new CoreMetrics() {};

    /**
     * A client's context was rejected or cut back ({@code reason} says why: a bad signature, an absurd
     * counter, or a claim on this node's own dots beyond what it issued).
     */
    default void contextRejected(String reason) {}

    /** A write was refused because it would take a key past {@code limit}. */
    default void writeRefused(KeyLimits.Limit limit) {}

    /** A write left {@code key} past half of {@code limit}, with {@code siblings} siblings in about {@code bytes} bytes. */
    default void keyNearLimit(Key key, KeyLimits.Limit limit, int siblings, long bytes) {}

    /** A read found {@code siblings} live values of {@code bytes} bytes in all (Riak's siblings and objsize histograms). */
    default void readFound(int siblings, long bytes) {}

    /**
     * A request was refused at once because {@code what} ("operations" coordinated, or "storage
     * operations" in progress) reached its bound, {@code node.operations-max}.
     */
    default void overloaded(String what) {}

    /** A read or write answered {@code Unavailable}. */
    default void quorumFailed(boolean write) {}

    /** Read repairs sent to stale replicas after a read. */
    default void readRepairsSent(int count) {}

    /** Digest reads found {@code count} replicas whose digest differed from the data replica's state (each then sends its state). */
    default void readDigestMismatches(int count) {}

    /** A write was forwarded to a replica because this node is not one. */
    default void writeForwarded() {}

    /** A storage operation failed (the local engine's I/O error, as {@code reason} says). */
    default void storageFailed(String reason) {}

    /** A hint was stored here for {@code owner} (as a stand-in, or kept by a coordinator). */
    default void hintStored(NodeId owner) {}

    /** A hint for {@code owner} was refused because its queue is full; anti-entropy must repair it. */
    default void hintRefused(NodeId owner) {}

    /** {@code count} hints were handed back to {@code owner}, which stored them; they are deleted next. */
    default void hintsDelivered(NodeId owner, int count) {}

    /** An anti-entropy exchange compared {@code ranges} ranges and found {@code inSync} of them identical. */
    default void antiEntropyCompared(int ranges, int inSync) {}

    /** An anti-entropy exchange with {@code peer} merged states that changed {@code keys} keys on this node. */
    default void antiEntropyKeysRepaired(NodeId peer, int keys) {}

    /**
     * This node sent {@code keyHashes} key hashes and {@code states} key states in an anti-entropy
     * exchange (as initiator or peer): what the per-key comparison costs and what it ships.
     */
    default void antiEntropySent(int keyHashes, int states) {}

    /** A member's life changed as this node sees it (up, down, joined, restarted, ...). */
    default void membershipChanged(MembershipEvent event) {}

    /** How long ago the least recently synchronised (peer, range) pair was last found identical; -1 before any exchange. */
    default void antiEntropySyncAge(long ageMillis) {}

    /** Every (peer, range) pair anti-entropy compares, after a change; for {@code /node/status}. */
    default void antiEntropySyncs(List<RangeSync> syncs) {}

    /** A line of a range transfer's progress for the node's log (a range started, streamed or done; cleanup). */
    default void transferEvent(String line) {}

    /** A transfer batch from {@code source} was stored. */
    default void transferBatch(NodeId source, int keys, long bytes) {}

    /** How many range streams have a batch in flight. */
    default void transfersActive(int streams) {}

    /** Cleanup dropped keys of ranges this node no longer replicates. */
    default void keysPurged(int keys) {}
}
