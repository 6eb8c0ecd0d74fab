package io.kvorum.node.runtime;

import io.kvorum.common.Bytes;
import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.Clock;
import io.kvorum.node.core.Effect;
import io.kvorum.node.core.Input;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.core.StorageRunner;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.node.core.Transport;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.transfer.TransferProgress;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.node.message.Shortfall;
import io.kvorum.storage.version.CausalContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The driver of one {@link NodeCore} in production: a single Vert.x event-loop context owns the
 * core, turns clock readings, peer frames, timers and storage completions into inputs, and carries
 * out the effects. Every input, from any thread, is handed to that context first, so the core is
 * only ever touched by one thread (checked on every step, like Cassandra's gossip-stage assertion).
 */
final class NodeLoop {
    private final Vertx vertx;
    private final Context context;
    private final NodeCore core;
    private final Clock clock;
    private final StorageRunner storageRunner;
    private final Map<Long, CompletableFuture<ReadOutcome>> pendingReads = new HashMap<>();
    private final Map<Long, CompletableFuture<WriteOutcome>> pendingWrites = new HashMap<>();
    private final Map<Long, Long> timers = new HashMap<>();
    private final ArrayDeque<Input> inline = new ArrayDeque<>();
    private final Map<Long, CompletableFuture<Membership.ChangeRequest>> pendingAdmin = new HashMap<>();
    private final Sinks sinks;
    private final NodeId self;
    private final int clientRequestsMax;
    private final CoreFailures failures;
    /** Set once the core threw; from then on every request fails at once. */
    private IllegalStateException failed;
    private Transport transport;
    private long nextClientRequestId = 1;
    private boolean stepping;

    /** How the loop is bounded and what it does when the core breaks. */
    record Limits(NodeId self, int clientRequestsMax, CoreFailures failures) {}

    /** Where the core's requests to persist state go, and what to do once this node has left the cluster. */
    record Sinks(Consumer<Effect.PersistTokens> tokens, Consumer<TransferProgress> transfers, Runnable left) {}

    NodeLoop(Vertx vertx, Context context, NodeCore core, Clock clock, LocalStorage storage, WorkerExecutor storageWorkers,
             Sinks sinks, Limits limits) {
        this.self = limits.self();
        this.clientRequestsMax = limits.clientRequestsMax();
        this.failures = limits.failures();
        this.sinks = sinks;
        this.vertx = vertx;
        this.context = context;
        this.core = core;
        this.clock = clock;
        // Results computed right here join the step being executed; the others come back through the context.
        this.storageRunner = new VertxStorageRunner(storage, storageWorkers, inline::add, this::deliver);
    }

    /** Feeds a gossip round to the core every {@code intervalMillis}, the first one now. */
    void startTicking(long intervalMillis) {
        submit(new Input.Tick());
        // Timers fire on the context that set them, which need not be ours: submit hops over.
        vertx.setPeriodic(intervalMillis, ignored -> submit(new Input.Tick()));
    }

    void attach(Transport transport) {
        this.transport = transport;
    }

    /** Hands an input to the owning context; safe from any thread. */
    void submit(Input input) {
        if (Vertx.currentContext() == context) {
            run(input);
        } else {
            context.runOnContext(ignored -> run(input));
        }
    }

    CompletableFuture<ReadOutcome> get(Key key, int r, boolean sloppy, long timeoutMillis) {
        return call(pendingReads, id -> new Input.ClientGet(id, key, r, sloppy, timeoutMillis),
                new ReadOutcome.Unavailable(r, 0, overloadedShortfall()));
    }

    CompletableFuture<WriteOutcome> write(Key key, Optional<Bytes> value, Optional<CausalContext> causalContext, int w,
                                          boolean sloppy, long timeoutMillis) {
        return call(pendingWrites, id -> new Input.ClientWrite(id, key, value, causalContext, w, sloppy, timeoutMillis,
                clock.wallMillis()), new WriteOutcome.Unavailable(w, 0, overloadedShortfall()));
    }

    /** An operator's membership change (leave, remove), answered once the core has decided. */
    CompletableFuture<Membership.ChangeRequest> admin(Input.AdminCommand command) {
        CompletableFuture<Membership.ChangeRequest> future = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            if (failed != null) {
                future.completeExceptionally(failed);
            } else {
                long id = nextClientRequestId++;
                pendingAdmin.put(id, future);
                run(new Input.Admin(id, command));
            }
        });
        return future;
    }

    /**
     * Registers a client request under a fresh id on the owning context and feeds it to the core; one
     * past the bound on waiting client requests gets {@code overloaded} at once, one after the core
     * broke fails at once.
     */
    private <T> CompletableFuture<T> call(Map<Long, CompletableFuture<T>> pending, LongFunction<Input> input, T overloaded) {
        CompletableFuture<T> future = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            if (failed != null) {
                future.completeExceptionally(failed);
            } else if (clientRequestsInFlight() >= clientRequestsMax) {
                failures.overloaded();
                future.complete(overloaded);
            } else {
                long id = nextClientRequestId++;
                pending.put(id, future);
                run(input.apply(id));
            }
        });
        return future;
    }

    /** Why a client request is refused at once when as many as node.operations-max wait already. */
    private Shortfall overloadedShortfall() {
        return new Shortfall(false, List.of(new Shortfall.Refusal(self, clientRequestsInFlight()
                + " client requests are waiting already, the most node.operations-max allows: overloaded")), Shortfall.Stored.NOTHING);
    }

    /** Client requests not answered yet (for a clean shutdown). Call on the context. */
    int clientRequestsInFlight() {
        return pendingReads.size() + pendingWrites.size();
    }

    private void run(Input input) {
        Invariants.check(Vertx.currentContext() == context, "node core touched off its event loop");
        if (failed != null) {
            return; // the core broke: it takes no more input (its node is stopping)
        }
        inline.add(input);
        if (stepping) {
            return; // an inline storage completion during effect execution: the outer loop takes it
        }
        stepping = true;
        Input current = null;
        try {
            while (!inline.isEmpty()) {
                current = inline.poll();
                for (Effect effect : core.step(current, clock.monotonicMillis())) {
                    execute(effect);
                }
            }
        } catch (RuntimeException e) {
            coreFailed(current, e);
        } finally {
            stepping = false;
        }
    }

    /**
     * The core threw: a bug, and it may have been left half-updated, so it must not take another
     * input (TigerBeetle's rule: crash on a broken invariant rather than serve from a state nobody
     * can vouch for). Every client request waiting here fails at once instead of at its timeout,
     * and {@code failures} logs the input, counts it, and then stops the node.
     */
    private void coreFailed(Input input, RuntimeException error) {
        failures.coreFailed(input, error);
        failed = new IllegalStateException("the node core failed on " + input + " and the node is stopping: " + error, error);
        inline.clear();
        pendingReads.values().forEach(future -> future.completeExceptionally(failed));
        pendingWrites.values().forEach(future -> future.completeExceptionally(failed));
        pendingReads.clear();
        pendingWrites.clear();
        timers.values().forEach(vertx::cancelTimer);
        timers.clear();
        // Stop after what this loop has queued already (such as the failed requests' answers).
        context.runOnContext(ignored -> failures.stop());
    }

    private void execute(Effect effect) {
        switch (effect) {
            case Effect.Send send -> transport.send(send.to(), send.message());
            case Effect.ReadReply reply -> complete(pendingReads.remove(reply.clientRequestId()), reply.outcome());
            case Effect.WriteReply reply -> complete(pendingWrites.remove(reply.clientRequestId()), reply.outcome());
            case Effect.SetTimer timer -> {
                long delayMillis = Math.max(1, timer.atMillis() - clock.monotonicMillis());
                timers.put(timer.timerId(), vertx.setTimer(delayMillis, ignored -> {
                    if (timers.remove(timer.timerId()) != null) {
                        run(new Input.TimerFired(timer.timerId()));
                    }
                }));
            }
            case Effect.CancelTimer cancel -> {
                Long vertxTimer = timers.remove(cancel.timerId());
                if (vertxTimer != null) {
                    vertx.cancelTimer(vertxTimer);
                }
            }
            case Effect.Storage storage -> storageRunner.start(storage.operationId(), storage.operation());
            case Effect.PersistTokens persist -> sinks.tokens().accept(persist);
            case Effect.PersistTransfers persist -> sinks.transfers().accept(persist.progress());
            case Effect.AdminReply reply -> complete(pendingAdmin.remove(reply.requestId()), reply.result());
            case Effect.Left left -> context.runOnContext(ignored -> sinks.left().run());
            case Effect.Disconnect disconnect -> transport.disconnect(disconnect.peer());
        }
    }

    private void deliver(long operationId, StorageResult result) {
        context.runOnContext(ignored -> run(new Input.StorageDone(operationId, result)));
    }

    private static <T> void complete(CompletableFuture<T> future, T outcome) {
        if (future != null) {
            future.complete(outcome);
        }
    }
}
