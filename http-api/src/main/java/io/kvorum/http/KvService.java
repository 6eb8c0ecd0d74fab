package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
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

    /** A read, a JSON Merge Patch of the one live value and a write with the read's context, as one request. */
    CompletionStage<PatchResult> patch(PatchRequest request);

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
}
