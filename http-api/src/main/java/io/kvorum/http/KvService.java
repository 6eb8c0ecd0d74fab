package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a node offers its HTTP clients; the node implements it, the router only parses and renders.
 *
 * <p>Futures may complete on any thread. Implementations never complete them exceptionally for an
 * operating outcome (quorum not reached, bad context): those are result values.
 */
public interface KvService {
    /** This node's id, for {@code /health} and {@code /cluster/members}. */
    NodeId self();

    /** The replication factor N that bounds {@code r} and {@code w}. */
    int replicationFactor();

    CompletionStage<GetResult> get(GetRequest request);

    CompletionStage<WriteResult> put(PutRequest request);

    CompletionStage<WriteResult> delete(DeleteRequest request);

    /** The first N distinct nodes of the key's preference list, up or not. */
    ReplicasView replicas(Key key);

    MembersView members();

    RingView ring();

    /** This node's own figures for {@code GET /node/status}; cheap enough to call once a second. */
    NodeStatus status();

    /** The client context {@code text} decoded, for {@code GET /context/{context}}. */
    ContextView decodeContext(String text);

    /** The registry the node records into; the router adds its per-operation timers. */
    MetricRegistry metrics();

    /** The range transfers this node receives now (empty when no membership change is in flight). */
    default List<ClusterChange.Transfer> transfers() {
        return List.of();
    }

    /** This node starts to leave the cluster (decommission). */
    default CompletionStage<ClusterChange.Answer> leave() {
        return CompletableFuture.completedStage(new ClusterChange.Answer(self(), Optional.of("not_supported"),
                "this node cannot leave"));
    }

    /** The dead member {@code node} is removed for good. */
    default CompletionStage<ClusterChange.Answer> remove(NodeId node) {
        return CompletableFuture.completedStage(new ClusterChange.Answer(node, Optional.of("not_supported"),
                "this node cannot remove members"));
    }
}
