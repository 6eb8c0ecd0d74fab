package io.kvorum.http;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A single-node, in-memory {@link KvService} that records every request it receives. Contexts are
 * {@code v<version>}; a write without context adds a sibling, a write with a context replaces them
 * all, and its receipt names this node as the one primary. Each operation can be scripted (e.g. to
 * throw or never complete) through the {@code on*} fields.
 */
final class RecordingKvService implements KvService {
    static final NodeId SELF = NodeId.of("node-1");

    final List<Object> requests = new CopyOnWriteArrayList<>();
    final MetricRegistry registry = new MetricRegistry();
    volatile Function<GetRequest, CompletionStage<GetResult>> onGet = this::storedGet;
    volatile Function<PutRequest, CompletionStage<WriteResult>> onPut = this::storedPut;
    volatile Function<DeleteRequest, CompletionStage<WriteResult>> onDelete = this::storedDelete;
    volatile Function<PatchRequest, CompletionStage<PatchResult>> onPatch = this::storedPatch;
    volatile Supplier<MembersView> onMembers = RecordingKvService::threeMembers;
    volatile Function<Key, ReplicasView> onReplicas =
            key -> new ReplicasView(key, List.of(SELF, NodeId.of("node-2"), NodeId.of("node-3")), 3);

    private final Map<Key, List<Bytes>> siblings = new TreeMap<>();
    private final Map<Key, Long> versions = new TreeMap<>();
    private long clock;

    @Override
    public NodeId self() {
        return SELF;
    }

    @Override
    public int replicationFactor() {
        return 3;
    }

    @Override
    public CompletionStage<GetResult> get(GetRequest request) {
        requests.add(request);
        return onGet.apply(request);
    }

    @Override
    public CompletionStage<WriteResult> put(PutRequest request) {
        requests.add(request);
        return onPut.apply(request);
    }

    @Override
    public CompletionStage<WriteResult> delete(DeleteRequest request) {
        requests.add(request);
        return onDelete.apply(request);
    }

    @Override
    public CompletionStage<PatchResult> patch(PatchRequest request) {
        requests.add(request);
        return onPatch.apply(request);
    }

    @Override
    public ReplicasView replicas(Key key) {
        requests.add(key);
        return onReplicas.apply(key);
    }

    @Override
    public MembersView members() {
        return onMembers.get();
    }

    static MembersView threeMembers() {
        return new MembersView(SELF, List.of(
                new MembersView.Member(SELF, "127.0.0.1:8001", "127.0.0.1:9001", MembersView.Status.UP, OptionalDouble.of(0.25)),
                new MembersView.Member(NodeId.of("node-2"), "127.0.0.1:8002", "127.0.0.1:9002", MembersView.Status.DOWN,
                        OptionalDouble.of(Double.POSITIVE_INFINITY)),
                new MembersView.Member(NodeId.of("node-3"), "127.0.0.1:8003", "127.0.0.1:9003", MembersView.Status.JOINING,
                        OptionalDouble.empty())));
    }

    @Override
    public RingView ring() {
        return new RingView(128, 3, "murmur3", List.of(new RingView.Owner(SELF, 0.5, List.of(-9L, 100L)),
                new RingView.Owner(NodeId.of("node-2"), 0.5, List.of(Long.MIN_VALUE, Long.MAX_VALUE))));
    }

    @Override
    public NodeStatus status() {
        return new NodeStatus(SELF, "127.0.0.1:8001", "127.0.0.1:9001", 42,
                List.of(new NodeStatus.HintQueue(NodeId.of("node-2"), 7)),
                new NodeStatus.AntiEntropyStatus(true, List.of(
                        new NodeStatus.RangeSync(NodeId.of("node-3"), Long.MIN_VALUE, Long.MIN_VALUE, 1500, true))));
    }

    /** Contexts are {@code v<version>}: decoded as one write by node-1 in its first run. */
    @Override
    public ContextView decodeContext(String text) {
        if (!text.matches("v[0-9]{1,18}")) {
            return new ContextView.Invalid("context '" + text + "' is not one this node issued");
        }
        return new ContextView.Decoded(List.of(new ContextView.Version(SELF.value(), 1, Long.parseLong(text.substring(1)), 0)),
                List.of());
    }

    @Override
    public MetricRegistry metrics() {
        return registry;
    }

    /** Every stored sibling of every key, for "nothing changed" checks. */
    synchronized Map<Key, List<Bytes>> snapshot() {
        Map<Key, List<Bytes>> copy = new TreeMap<>();
        siblings.forEach((key, values) -> copy.put(key, List.copyOf(values)));
        return copy;
    }

    private synchronized CompletionStage<GetResult> storedGet(GetRequest request) {
        List<Bytes> values = siblings.getOrDefault(request.key(), List.of());
        Optional<String> context = Optional.ofNullable(versions.get(request.key())).map(v -> "v" + v);
        GetResult result = values.isEmpty()
                ? new GetResult.NotFound(request.key(), context)
                : new GetResult.Found(request.key(), values, context.orElseThrow());
        return CompletableFuture.completedFuture(result);
    }

    private synchronized CompletionStage<WriteResult> storedPut(PutRequest request) {
        return CompletableFuture.completedFuture(write(request.key(), request.context(), Optional.of(request.valueJson())));
    }

    private synchronized CompletionStage<WriteResult> storedDelete(DeleteRequest request) {
        return CompletableFuture.completedFuture(write(request.key(), request.context(), Optional.empty()));
    }

    /** Siblings are a conflict; otherwise the patched value replaces the key's state, as a PUT with its context would. */
    private synchronized CompletionStage<PatchResult> storedPatch(PatchRequest request) {
        List<Bytes> values = siblings.getOrDefault(request.key(), List.of());
        String context = "v" + versions.getOrDefault(request.key(), 0L);
        if (values.size() > 1) {
            return CompletableFuture.completedFuture(new PatchResult.Conflict(values, context, false));
        }
        PatchResult result = switch (request.patch().applyTo(values.stream().findFirst())) {
            case JsonMergePatch.Result.Patched(Bytes json) -> new PatchResult.Write(write(request.key(), Optional.of(context),
                    Optional.of(json)));
            case JsonMergePatch.Result.TooLarge(long bytes, long limitBytes) -> new PatchResult.TooLarge(bytes, limitBytes);
        };
        return CompletableFuture.completedFuture(result);
    }

    private WriteResult write(Key key, Optional<String> context, Optional<Bytes> value) {
        if (context.isPresent() && !context.get().matches("v[0-9]{1,18}")) {
            return new WriteResult.InvalidContext("context '" + context.get() + "' is not one this node issued");
        }
        List<Bytes> next = new ArrayList<>(context.isPresent() || value.isEmpty()
                ? List.of() : siblings.getOrDefault(key, List.of()));
        value.ifPresent(next::add);
        siblings.put(key, next);
        long version = ++clock;
        versions.put(key, version);
        return new WriteResult.Written(key, "v" + version, List.of(Receipt.primary(SELF)));
    }
}
