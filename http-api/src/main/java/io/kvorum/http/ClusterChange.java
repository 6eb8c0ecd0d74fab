package io.kvorum.http;

import io.kvorum.common.NodeId;
import java.util.Optional;
import java.util.OptionalLong;

/** Membership changes as the HTTP API shows them: an operator's request's answer, and the transfers in flight. */
public final class ClusterChange {
    private ClusterChange() {}

    /**
     * The answer to {@code POST /cluster/leave} or {@code POST /cluster/remove/{node}}: accepted
     * ({@code refusal} empty), or refused with an api.md error code ({@code change_in_flight},
     * {@code node_reachable}, {@code unknown_node}, {@code too_few_nodes}, {@code not_up}).
     */
    public record Answer(NodeId node, Optional<String> refusal, String message) {}

    /** One range transfer this node receives, as {@code GET /cluster/transfers} lists it. */
    public record Transfer(long fromToken, long toToken, Optional<NodeId> from, NodeId to, String reason, String state,
                           long keys, long bytes, double bytesPerSecond, OptionalLong etaSeconds) {}
}
