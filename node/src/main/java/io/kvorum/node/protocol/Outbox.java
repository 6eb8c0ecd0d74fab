package io.kvorum.node.protocol;

import io.kvorum.common.NodeId;
import io.kvorum.node.message.PeerMessage;
import java.util.function.Consumer;

/**
 * What the core's background protocols (hinted handoff, anti-entropy) may ask of it: ids, messages,
 * storage operations and timers, all turned into the core's effects. Callbacks run inside a later
 * step of the core, on the core's one thread; a crash forgets them, as it forgets everything.
 */
public interface Outbox {
    /** What {@link #wallMillis()} answers before the core has read the wall clock. */
    long WALL_UNKNOWN = Long.MIN_VALUE;

    /** The monotonic time of the step being handled. */
    long nowMillis();

    /** The wall time of the step, estimated from the last tick's reading; {@link #WALL_UNKNOWN} before the first tick. */
    long wallMillis();

    /** A fresh id for a request or timer, unique within this incarnation. */
    long newId();

    void send(NodeId to, PeerMessage message);

    /** Runs {@code op} against local storage and hands its result to {@code then}. */
    void storage(StorageOp op, Consumer<StorageResult> then);

    /** Runs {@code onFire} once the monotonic clock reaches {@code atMillis}, unless cancelled. */
    void setTimer(long timerId, long atMillis, Runnable onFire);

    void cancelTimer(long timerId);
}
