package io.kvorum.node.protocol;

import io.kvorum.node.runtime.LocalStorage;
import io.kvorum.node.runtime.StorageExecution;
import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * An {@link Outbox} for tests of the background protocols (hinted handoff, anti-entropy): it records
 * sends, queues storage operations with their callbacks until the test runs them (against a real
 * {@link LocalStorage}, or with a result the test chooses), and keeps timers on a manual clock that
 * fire only when the test advances it. Single-threaded, like the core it stands in for.
 */
public final class RecordingOutbox implements Outbox {
    /** A message the machine sent. */
    public record Sent(NodeId to, PeerMessage message) {}

    /** A storage operation waiting for the test to complete it. */
    public record PendingStorage(StorageOp op, Consumer<StorageResult> then) {}

    private record Timer(long atMillis, Runnable onFire) {}

    private final LocalStorage storage;
    private final List<Sent> sent = new ArrayList<>();
    private final Deque<PendingStorage> pending = new ArrayDeque<>();
    private final List<StorageOp> executed = new ArrayList<>();
    private final Map<Long, Timer> timers = new TreeMap<>();
    private final List<Long> cancelled = new ArrayList<>();
    /** The wall clock at monotonic time 0. */
    public static final long WALL_EPOCH_MILLIS = 1_700_000_000_000L;
    private long nowMillis;
    private boolean wallKnown;
    private long nextId = 1;

    /** @param storage what {@link #runStorage()} executes operations against */
    public RecordingOutbox(LocalStorage storage) {
        this.storage = storage;
    }

    @Override
    public long nowMillis() {
        return nowMillis;
    }

    /** Unknown until {@link #knowWallClock()}; then it runs with the monotonic clock from {@link #WALL_EPOCH_MILLIS}. */
    @Override
    public long wallMillis() {
        return wallKnown ? WALL_EPOCH_MILLIS + nowMillis : WALL_UNKNOWN;
    }

    /** From now on {@link #wallMillis()} is known (as after the core's first tick). */
    public void knowWallClock() {
        wallKnown = true;
    }

    @Override
    public long newId() {
        return nextId++;
    }

    @Override
    public void send(NodeId to, PeerMessage message) {
        sent.add(new Sent(to, message));
    }

    @Override
    public void storage(StorageOp op, Consumer<StorageResult> then) {
        pending.add(new PendingStorage(op, then));
    }

    @Override
    public void setTimer(long timerId, long atMillis, Runnable onFire) {
        timers.put(timerId, new Timer(atMillis, onFire));
    }

    @Override
    public void cancelTimer(long timerId) {
        if (timers.remove(timerId) != null) {
            cancelled.add(timerId);
        }
    }

    // ---- the test's side ----

    /** Moves the clock to {@code atMillis} (never backwards) and fires the timers due by then, earliest first. */
    public void advanceTo(long atMillis) {
        if (atMillis < nowMillis) {
            throw new IllegalArgumentException("the monotonic clock cannot go back from " + nowMillis + " to " + atMillis);
        }
        while (true) {
            Map.Entry<Long, Timer> due = null;
            for (Map.Entry<Long, Timer> timer : timers.entrySet()) {
                if (timer.getValue().atMillis() <= atMillis && (due == null || timer.getValue().atMillis() < due.getValue().atMillis())) {
                    due = timer;
                }
            }
            if (due == null) {
                break;
            }
            timers.remove(due.getKey());
            nowMillis = due.getValue().atMillis();
            due.getValue().onFire().run();
        }
        nowMillis = atMillis;
    }

    public void advanceBy(long millis) {
        advanceTo(nowMillis + millis);
    }

    /** The operation waiting longest, not yet run. */
    public StorageOp nextStorage() {
        if (pending.isEmpty()) {
            throw new AssertionError("no storage operation is waiting");
        }
        return pending.peekFirst().op();
    }

    public boolean hasStorage() {
        return !pending.isEmpty();
    }

    /** Runs the oldest waiting operation against the storage and hands its result to the callback; returns the op. */
    public StorageOp runNextStorage() {
        PendingStorage next = pending.pollFirst();
        if (next == null) {
            throw new AssertionError("no storage operation is waiting");
        }
        executed.add(next.op());
        next.then().accept(StorageExecution.execute(storage, next.op()));
        return next.op();
    }

    /** Completes the oldest waiting operation with {@code result} instead of running it. */
    public StorageOp completeNextStorage(StorageResult result) {
        PendingStorage next = pending.pollFirst();
        if (next == null) {
            throw new AssertionError("no storage operation is waiting");
        }
        executed.add(next.op());
        next.then().accept(result);
        return next.op();
    }

    /** Runs waiting operations, including those their callbacks queue, until none is left; returns them in order. */
    public List<StorageOp> runStorage() {
        List<StorageOp> ran = new ArrayList<>();
        while (!pending.isEmpty()) {
            ran.add(runNextStorage());
        }
        return ran;
    }

    /** The messages sent since the last call, in order; clears them. */
    public List<Sent> takeSent() {
        List<Sent> taken = List.copyOf(sent);
        sent.clear();
        return taken;
    }

    /** Every storage operation run or completed so far, in order. */
    public List<StorageOp> executed() {
        return List.copyOf(executed);
    }

    public boolean hasTimer(long timerId) {
        return timers.containsKey(timerId);
    }

    /** When timer {@code timerId} fires; fails when it is not set. */
    public long timerAt(long timerId) {
        Timer timer = timers.get(timerId);
        if (timer == null) {
            throw new AssertionError("timer " + timerId + " is not set; set: " + timers.keySet());
        }
        return timer.atMillis();
    }

    public int timerCount() {
        return timers.size();
    }

    /** Ids of the timers cancelled while set, in order. */
    public List<Long> cancelled() {
        return List.copyOf(cancelled);
    }
}
