package io.kvorum.storage.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The non-blocking side of {@link GroupCommit}: queued tickets, the sync task, failures. */
class GroupCommitTest {
    private static final long WINDOW_MILLIS = 3;
    private final ManualScheduler scheduler = new ManualScheduler();
    /** What the log has appended; a force covers all of it. */
    private long appended;
    private int forces;
    private IOException nextFailure;
    /** The commit's clock, moved by hand: it has been idle since long before the test starts. */
    private long nowNanos = 1_000_000_000L;

    private final GroupCommit commit = new GroupCommit(() -> {
        forces++;
        if (nextFailure != null) {
            throw nextFailure;
        }
        return appended;
    }, scheduler, WINDOW_MILLIS, () -> nowNanos);

    private CompletableFuture<Void> whenDurable(long ticket) {
        return commit.whenDurable(ticket).toCompletableFuture();
    }

    @Test
    void queuedTicketsShareOneFsyncRunByTheSyncTask() {
        assertTrue(whenDurable(0).isDone(), "nothing to wait for"); // a writer was just here: the log is busy
        appended = 100;
        CompletableFuture<Void> first = whenDurable(40);
        CompletableFuture<Void> second = whenDurable(100);

        assertFalse(first.isDone() || second.isDone(), "nothing is durable before a sync");
        assertEquals(1, scheduler.runQueued(), "one sync task for both");

        assertTrue(first.isDone() && second.isDone());
        assertEquals(1, forces);
        assertEquals(List.of(WINDOW_MILLIS), scheduler.delays(), "the sync task waits the window for more writers");
        assertTrue(whenDurable(100).isDone(), "a ticket already covered is durable at once");
        assertEquals(0, scheduler.runQueued());
    }

    @Test
    void aWriteWithinAWindowOfTheLastOneWaitsTheWindowAndOneAfterAnIdleWindowDoesNot() {
        appended = 10;
        whenDurable(10);
        scheduler.runQueued(); // idle: at once
        nowNanos += TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS) / 2;
        appended = 20;
        CompletableFuture<Void> busy = whenDurable(20);
        scheduler.runQueued();
        nowNanos += TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS) + 1;
        appended = 30;
        CompletableFuture<Void> idle = whenDurable(30);
        scheduler.runQueued();

        assertTrue(busy.isDone() && idle.isDone());
        assertEquals(List.of(0L, WINDOW_MILLIS, 0L), scheduler.delays(),
                "the window is waited only by a write that comes within one of the write before it");
    }

    @Test
    void aTicketAppendedAfterTheSyncStartedGetsAnotherRound() {
        appended = 10;
        CompletableFuture<Void> early = whenDurable(10);
        appended = 20; // appended after the first ticket queued, before the sync ran: the force covers it
        CompletableFuture<Void> late = whenDurable(30); // beyond what the force will cover
        scheduler.runQueued();

        assertTrue(early.isDone());
        assertFalse(late.isDone(), "ticket 30 is not covered by a force up to 20");
        appended = 30;
        assertEquals(1, scheduler.runQueued(), "the task queued itself again for the rest");
        assertTrue(late.isDone());
    }

    @Test
    void aBlockingSyncCompletesTheQueuedTicketsItCovers() {
        appended = 50;
        CompletableFuture<Void> queued = whenDurable(50);

        commit.await(50);

        assertTrue(queued.isDone());
    }

    @Test
    void aFailedFsyncFailsEveryQueuedTicketAndEveryLaterOne() {
        appended = 10;
        CompletableFuture<Void> queued = whenDurable(10);
        nextFailure = new IOException("disk gone");
        scheduler.runQueued();

        ExecutionException failure = assertThrows(ExecutionException.class, queued::get);
        assertInstanceOf(UncheckedIOException.class, failure.getCause());
        assertTrue(whenDurable(5).isCompletedExceptionally(), "the log is poisoned for every later ticket");
        assertThrows(UncheckedIOException.class, () -> commit.await(5));
    }
}
