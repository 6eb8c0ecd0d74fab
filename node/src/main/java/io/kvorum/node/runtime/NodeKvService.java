package io.kvorum.node.runtime;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.http.ContextView;
import io.kvorum.http.DeleteRequest;
import io.kvorum.http.GetRequest;
import io.kvorum.http.GetResult;
import io.kvorum.http.ClusterChange;
import io.kvorum.http.KvService;
import io.kvorum.node.core.Input;
import io.kvorum.node.transfer.Transfers;
import io.kvorum.http.MembersView;
import io.kvorum.http.NodeStatus;
import io.kvorum.http.PutRequest;
import io.kvorum.http.Receipt;
import io.kvorum.http.ReplicasView;
import io.kvorum.http.RingView;
import io.kvorum.http.QuorumShortfall;
import io.kvorum.http.WriteResult;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.message.PeerMessage.Ack;
import io.kvorum.ring.Ring;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.ContextCodec;
import io.kvorum.storage.version.Dot;
import io.kvorum.storage.version.Sibling;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The node behind the HTTP API: resolves defaults, decodes client contexts, hands requests to the
 * node's event loop and turns the core's outcomes into the API's results.
 */
final class NodeKvService implements KvService {
    /** The node's defaults for parameters a client leaves out. */
    record Defaults(int n, int r, int w, boolean sloppy, long timeoutMillis, int vnodesPerNode, String partitioner) {}

    private final NodeId self;
    private final Defaults defaults;
    private final NodeLoop loop;
    private final Membership membership;
    private final ToLongFunction<Key> tokenizer;
    private final MetricRegistry metrics;
    private final NodeStatusSource statusSource;
    private final Supplier<List<Transfers.View>> transfers;

    NodeKvService(NodeId self, Defaults defaults, NodeLoop loop, Membership membership,
                  ToLongFunction<Key> tokenizer, MetricRegistry metrics, NodeStatusSource statusSource,
                  Supplier<List<Transfers.View>> transfers) {
        this.self = self;
        this.transfers = transfers;
        this.defaults = defaults;
        this.loop = loop;
        this.membership = membership;
        this.tokenizer = tokenizer;
        this.metrics = metrics;
        this.statusSource = statusSource;
    }

    @Override
    public NodeId self() {
        return self;
    }

    @Override
    public int replicationFactor() {
        return defaults.n();
    }

    @Override
    public CompletionStage<GetResult> get(GetRequest request) {
        return loop.get(request.key(), request.r().orElse(defaults.r()), request.sloppy().orElse(defaults.sloppy()),
                        request.timeoutMillis().orElse(defaults.timeoutMillis()))
                .thenApply(outcome -> toResult(request.key(), outcome));
    }

    @Override
    public CompletionStage<WriteResult> put(PutRequest request) {
        return write(request.key(), Optional.of(request.valueJson()), request.context(), request.w().orElse(defaults.w()),
                request.sloppy().orElse(defaults.sloppy()), request.timeoutMillis().orElse(defaults.timeoutMillis()));
    }

    @Override
    public CompletionStage<WriteResult> delete(DeleteRequest request) {
        return write(request.key(), Optional.empty(), request.context(), request.w().orElse(defaults.w()),
                request.sloppy().orElse(defaults.sloppy()), request.timeoutMillis().orElse(defaults.timeoutMillis()));
    }

    private CompletionStage<WriteResult> write(Key key, Optional<Bytes> value, Optional<String> context, int w, boolean sloppy,
                                               long timeoutMillis) {
        Optional<CausalContext> decoded;
        try {
            decoded = context.map(ContextCodec::decode);
        } catch (ContextCodec.InvalidContextException e) {
            return CompletableFuture.completedFuture(new WriteResult.InvalidContext(e.getMessage()));
        }
        return loop.write(key, value, decoded, w, sloppy, timeoutMillis).thenApply(outcome -> switch (outcome) {
            case WriteOutcome.Written written ->
                    new WriteResult.Written(key, ContextCodec.encode(written.versionContext()), receipts(written.acks()));
            case WriteOutcome.Unavailable u -> new WriteResult.Unavailable(u.required(), u.acknowledged(), shortfall(u.shortfall()));
            case WriteOutcome.Refused refused -> new WriteResult.LimitExceeded(switch (refused.exceeded().limit()) {
                case SIBLINGS -> WriteResult.KeyLimit.SIBLINGS;
                case BYTES -> WriteResult.KeyLimit.BYTES;
            }, refused.exceeded().actual(), refused.exceeded().max());
        });
    }

    private static List<Receipt> receipts(List<Ack> acks) {
        return acks.stream().map(ack -> ack.standInFor()
                .map(owner -> Receipt.fallback(ack.node(), owner))
                .orElseGet(() -> Receipt.primary(ack.node()))).toList();
    }

    private static GetResult toResult(Key key, ReadOutcome outcome) {
        return switch (outcome) {
            case ReadOutcome.Found found -> new GetResult.Found(key, found.values().stream().map(Sibling::value).toList(),
                    ContextCodec.encode(found.context()));
            case ReadOutcome.NotFound notFound -> new GetResult.NotFound(key, notFound.context().isEmpty()
                    ? Optional.empty()
                    : Optional.of(ContextCodec.encode(notFound.context())));
            case ReadOutcome.Unavailable u -> new GetResult.Unavailable(u.required(), u.acknowledged(), shortfall(u.shortfall()));
        };
    }

    @Override
    public ReplicasView replicas(Key key) {
        return new ReplicasView(key, membership.ring().preferenceList(tokenizer.applyAsLong(key), defaults.n()), defaults.n());
    }

    @Override
    public MembersView members() {
        List<MembersView.Member> members = new ArrayList<>();
        for (Membership.Member m : membership.members()) {
            members.add(new MembersView.Member(m.id(), m.httpAddress(), m.internodeAddress(),
                    MembersView.Status.valueOf(m.status().name()), m.phi()));
        }
        return new MembersView(self, members);
    }

    @Override
    public RingView ring() {
        Ring ring = membership.ring();
        List<RingView.Owner> owners = new ArrayList<>();
        ring.primaryShares().forEach((id, share) -> owners.add(new RingView.Owner(id, share, ring.tokensOf(id))));
        return new RingView(defaults.vnodesPerNode(), defaults.n(), defaults.partitioner(), owners);
    }

    @Override
    public NodeStatus status() {
        return statusSource.status();
    }

    @Override
    public ContextView decodeContext(String text) {
        CausalContext context;
        try {
            context = ContextCodec.decode(text);
        } catch (ContextCodec.InvalidContextException e) {
            return new ContextView.Invalid(e.getMessage());
        }
        List<ContextView.Version> versions = new ArrayList<>();
        context.entries().forEach((actor, entry) ->
                versions.add(new ContextView.Version(actor.node().value(), actor.epoch(), entry.counter(), entry.wallMillis())));
        List<ContextView.Dot> dots = new ArrayList<>();
        for (Dot dot : context.cloud()) {
            dots.add(new ContextView.Dot(dot.actor().node().value(), dot.actor().epoch(), dot.counter()));
        }
        return new ContextView.Decoded(versions, dots);
    }

    @Override
    public List<ClusterChange.Transfer> transfers() {
        List<ClusterChange.Transfer> out = new ArrayList<>();
        for (Transfers.View view : transfers.get()) {
            out.add(new ClusterChange.Transfer(view.range().startExclusive(), view.range().endInclusive(), view.from(),
                    view.to(), view.reason(), view.state(), view.keys(), view.bytes(), view.bytesPerSecond(), view.etaSeconds()));
        }
        return out;
    }

    @Override
    public CompletionStage<ClusterChange.Answer> leave() {
        return loop.admin(new Input.AdminCommand.Leave()).thenApply(result -> answer(self, result));
    }

    @Override
    public CompletionStage<ClusterChange.Answer> remove(NodeId node) {
        return loop.admin(new Input.AdminCommand.Remove(node)).thenApply(result -> answer(node, result));
    }

    private static ClusterChange.Answer answer(NodeId node, Membership.ChangeRequest result) {
        return new ClusterChange.Answer(node, result.refusal(), result.message());
    }

    @Override
    public MetricRegistry metrics() {
        return metrics;
    }

    private static QuorumShortfall shortfall(Shortfall shortfall) {
        return new QuorumShortfall(shortfall.timedOut(), shortfall.refusals().stream()
                .map(refusal -> new QuorumShortfall.Refusal(refusal.node(), refusal.reason(), refusal.diskFull()))
                .toList(), switch (shortfall.stored()) {
                    case NOTHING -> QuorumShortfall.Stored.NOTHING;
                    case MAYBE -> QuorumShortfall.Stored.MAYBE;
                    case UNKNOWN -> QuorumShortfall.Stored.UNKNOWN;
                });
    }
}
