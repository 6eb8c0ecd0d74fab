package io.kvorum.node.core;

import io.kvorum.common.NodeId;
import io.kvorum.node.core.Input.PeerReceived;
import io.kvorum.node.core.Input.SendFailed;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.Shortfall;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.Outbox;
import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The plumbing under a {@link NodeCore}: ids, the effects of the step being handled, messages to
 * this node itself, what waits for each storage operation, and the background protocols' timers.
 * It decides nothing about requests; the coordinator and replica sides do.
 *
 * <p>Not thread-safe: owned by the core, and through it by the core's one driver thread.
 */
final class CorePlumbing {
    /**
     * Ids of operations, timers and storage requests. Each incarnation (actor epoch) numbers from
     * its own block of 2^40 so that a reply addressed to a request of the previous run of this node,
     * arriving after a restart, can never be matched to an unrelated request of this run.
     */
    private static final int ID_BLOCK_BITS = 40;

    private final NodeId self;
    private final Membership membership;
    private final int storageOperationsMax;
    private final CoreMetrics metrics;
    private final Map<Long, StorageWaiter> storageWaiters = new LinkedHashMap<>();
    private final Map<Long, Runnable> timers = new LinkedHashMap<>();
    private final ArrayDeque<Input> selfDelivered = new ArrayDeque<>();
    private final Outbox outbox = new PlumbingOutbox();
    private List<Effect> effects = new ArrayList<>();
    private long nowMillis;
    private long nextId;
    /** The wall clock at the last tick, and the monotonic time then; {@link Outbox#WALL_UNKNOWN} before the first. */
    private long wallAtTickMillis = Outbox.WALL_UNKNOWN;
    private long nowAtTickMillis;

    CorePlumbing(NodeId self, long epoch, Membership membership, int storageOperationsMax, CoreMetrics metrics) {
        this.self = self;
        this.membership = membership;
        this.storageOperationsMax = storageOperationsMax;
        this.metrics = metrics;
        this.nextId = (epoch << ID_BLOCK_BITS) + 1;
    }

    /** Starts a step at monotonic time {@code nowMillis}, with no effects yet. */
    void begin(long nowMillis) {
        this.nowMillis = nowMillis;
        this.effects = new ArrayList<>();
    }

    /** The next message this node sent itself during the step, or null. */
    Input nextSelfDelivered() {
        return selfDelivered.poll();
    }

    /** The effects of the step so far. */
    List<Effect> effects() {
        return effects;
    }

    long nowMillis() {
        return nowMillis;
    }

    /** A tick read the wall clock: {@code wallMillis} at the step's monotonic time. */
    void wallClockRead(long wallMillis) {
        wallAtTickMillis = wallMillis;
        nowAtTickMillis = nowMillis;
    }

    /**
     * The wall time now, estimated from the last tick's reading and the monotonic time since (a tick
     * comes every gossip interval, so the estimate is off by at most the wall clock's adjustments
     * within one); {@link Outbox#WALL_UNKNOWN} before the first tick.
     */
    long wallMillis() {
        return wallAtTickMillis == Outbox.WALL_UNKNOWN ? Outbox.WALL_UNKNOWN : wallAtTickMillis + (nowMillis - nowAtTickMillis);
    }

    /** A fresh id for an operation, timer or storage request, unique within this incarnation. */
    long newId() {
        return nextId++;
    }

    void emit(Effect effect) {
        effects.add(effect);
    }

    /** Sends {@code message}: to this node within the step, failed at once to a suspected peer when it is a request. */
    void send(NodeId to, PeerMessage message) {
        if (to.equals(self)) {
            selfDelivered.add(new PeerReceived(to, message));
        } else if (isRequest(message) && !membership.isAlive(to)) {
            // The failure detector suspects it: fail the request now instead of at the deadline.
            selfDelivered.add(new SendFailed(to, message));
        } else {
            emit(new Effect.Send(to, message));
        }
    }

    /** Requests expect an answer, so failing one early is worth it; a lost response or one-way message costs nothing more. */
    private static boolean isRequest(PeerMessage message) {
        return switch (message) {
            case PeerMessage.Request request -> true;
            case PeerMessage.Response response -> false;
            case PeerMessage.OneWay oneWay -> false;
        };
    }

    /**
     * Asks the driver to run {@code op}; its result goes to {@code waiter}. Past the bound on storage
     * operations in progress, the operation fails at once (later in this step, as a disk error would),
     * so every caller handles it the way it handles a failing disk.
     */
    void storage(StorageWaiter waiter, StorageOp op) {
        long id = newId();
        if (storageWaiters.size() >= storageOperationsMax) {
            metrics.overloaded("storage operations");
            storageWaiters.put(id, waiter);
            selfDelivered.add(new Input.StorageDone(id, new StorageResult.Failed(storageWaiters.size() - 1
                    + " storage operations in progress already on " + self + ", the most node.operations-max allows: overloaded")));
            return;
        }
        storageWaiters.put(id, waiter);
        emit(new Effect.Storage(id, op));
    }

    /**
     * Who waits for storage request {@code storageId}, or null when nobody does. A write that is
     * visible but not durable yet reports again, so its waiter stays.
     */
    StorageWaiter waiterFor(long storageId, StorageResult result) {
        StorageWaiter waiter = storageWaiters.get(storageId);
        if (waiter != null && !(result instanceof StorageResult.Written written && !written.durable())) {
            storageWaiters.remove(storageId);
        }
        return waiter;
    }

    /** Runs the background timer {@code timerId} if it is one; false for other ids (operations' deadlines). */
    boolean fireTimer(long timerId) {
        Runnable timer = timers.remove(timerId);
        if (timer == null) {
            return false;
        }
        timer.run();
        return true;
    }

    /** True for this node and for peers the failure detector does not suspect. */
    boolean isHealthy(NodeId node) {
        return node.equals(self) || membership.isAlive(node);
    }

    /** Why a request to {@code node} failed without an answer, for a 503's message. */
    String unreachable(NodeId node) {
        return membership.isAlive(node) ? "unreachable (the connection to it failed)" : "suspected down by the failure detector";
    }

    /** The nodes of {@code nodes} the failure detector suspects, as refusals. */
    List<Shortfall.Refusal> unhealthy(List<NodeId> nodes) {
        return nodes.stream().filter(node -> !isHealthy(node)).map(node -> new Shortfall.Refusal(node, unreachable(node))).toList();
    }

    /** The background protocols' view of this plumbing. */
    Outbox outbox() {
        return outbox;
    }

    private final class PlumbingOutbox implements Outbox {
        @Override
        public long nowMillis() {
            return nowMillis;
        }

        @Override
        public long wallMillis() {
            return CorePlumbing.this.wallMillis();
        }

        @Override
        public long newId() {
            return CorePlumbing.this.newId();
        }

        @Override
        public void send(NodeId to, PeerMessage message) {
            CorePlumbing.this.send(to, message);
        }

        @Override
        public void storage(StorageOp op, Consumer<StorageResult> then) {
            CorePlumbing.this.storage(new StorageWaiter.Then(then), op);
        }

        @Override
        public void setTimer(long timerId, long atMillis, Runnable onFire) {
            timers.put(timerId, onFire);
            emit(new Effect.SetTimer(timerId, atMillis));
        }

        @Override
        public void cancelTimer(long timerId) {
            if (timers.remove(timerId) != null) {
                emit(new Effect.CancelTimer(timerId));
            }
        }
    }
}
