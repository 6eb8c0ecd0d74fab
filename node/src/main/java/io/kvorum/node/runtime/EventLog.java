package io.kvorum.node.runtime;

import io.kvorum.common.NodeId;
import io.kvorum.node.membership.MembershipEvent;
import io.kvorum.node.message.Shortfall;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * The node's log of its cluster's life and of its disk's failures (issue 19), rate-limited so that
 * a flapping member or a full disk cannot flood it: membership changes at INFO (at most
 * 5 lines per member at once, then one per 12 s), hints handed
 * back and keys repaired by anti-entropy at INFO (summed, one line per peer per interval; the last
 * hint of a handoff always gets its line), storage failures at ERROR (one line a minute, naming
 * the data directory and its free space). What to say is decided by the core as data
 * ({@link MembershipEvent}, counts); this class only words and writes it.
 */
final class EventLog {
    /** Where the lines go: SLF4J in production, a list in tests. */
    interface Sink {
        void info(String line);

        void error(String line);
    }

    private static final int MEMBER_BURST = 5;
    private static final long MEMBER_INTERVAL_SECONDS = 12;
    private static final long PROGRESS_INTERVAL_SECONDS = 10;
    private static final long STORAGE_INTERVAL_SECONDS = 60;

    private final Sink sink;
    private final LongSupplier nanoTime;
    private final Path dataDir;
    private final LongSupplier usableBytes;
    private final ToLongFunction<NodeId> hintsHeld;
    private final LogLimiter members = new LogLimiter(TimeUnit.SECONDS.toNanos(MEMBER_INTERVAL_SECONDS), MEMBER_BURST);
    private final LogLimiter progress = new LogLimiter(TimeUnit.SECONDS.toNanos(PROGRESS_INTERVAL_SECONDS), 1);
    private final LogLimiter storage = new LogLimiter(TimeUnit.SECONDS.toNanos(STORAGE_INTERVAL_SECONDS), 1);
    private final Map<String, Long> unreported = new HashMap<>(); // lookups only: counts not yet in a line

    /**
     * @param usableBytes the free space of the data directory's file system, read when a failure is logged (-1: unknown)
     * @param hintsHeld how many hints this node still holds for an owner
     */
    EventLog(Sink sink, LongSupplier nanoTime, Path dataDir, LongSupplier usableBytes, ToLongFunction<NodeId> hintsHeld) {
        this.sink = sink;
        this.nanoTime = nanoTime;
        this.dataDir = dataDir;
        this.usableBytes = usableBytes;
        this.hintsHeld = hintsHeld;
    }

    void membershipChanged(MembershipEvent event) {
        OptionalLong held = members.admit(event.member().value(), nanoTime.getAsLong());
        if (held.isPresent()) {
            sink.info(event.describe() + heldBack(held.getAsLong(), "earlier changes of " + event.member().value()));
        }
    }

    /** Hints handed back to {@code owner}: one line per interval with the sum, and always the line that ends a handoff. */
    synchronized void hintsDelivered(NodeId owner, int count) {
        String key = "hints " + owner.value();
        long total = unreported.merge(key, (long) count, Long::sum);
        long left = Math.max(0, hintsHeld.applyAsLong(owner) - count); // the delivered batch is deleted next
        if (left == 0 || progress.admit(key, nanoTime.getAsLong()).isPresent()) {
            unreported.remove(key);
            sink.info("handed " + total + " hints back to " + owner.value()
                    + (left == 0 ? "; none left for it" : "; " + left + " still held for it"));
        }
    }

    /** Keys anti-entropy changed here in exchanges with {@code peer}: one line per interval with the sum. */
    synchronized void antiEntropyKeysRepaired(NodeId peer, int keys) {
        if (keys <= 0) {
            return;
        }
        String key = "anti-entropy " + peer.value();
        long total = unreported.merge(key, (long) keys, Long::sum);
        if (progress.admit(key, nanoTime.getAsLong()).isPresent()) {
            unreported.remove(key);
            sink.info("anti-entropy with " + peer.value() + " repaired " + total + " keys on this node");
        }
    }

    /** A storage operation failed: at most one ERROR line a minute, naming the data directory and its free space. */
    /** A transfer's progress line: its callers already bound how often they speak (once per 10 s per range). */
    void transfer(String line) {
        sink.info(line);
    }

    void storageFailed(String reason) {
        OptionalLong held = storage.admit("storage", nanoTime.getAsLong());
        if (held.isEmpty()) {
            return;
        }
        String directory = dataDir.toAbsolutePath().toString();
        String free = bytes(usableBytes.getAsLong());
        String others = heldBack(held.getAsLong(), "further storage failures in the last minute");
        if (Shortfall.isOutOfSpace(reason)) {
            sink.error("disk full: data directory " + directory + " has " + free + " free; writes to this node fail"
                    + " (and are answered 507 insufficient_storage or 503) until space is freed: " + reason + others);
        } else {
            sink.error("storage failure in data directory " + directory + " (" + free + " free): " + reason + others);
        }
    }

    private static String heldBack(long held, String what) {
        return held == 0 ? "" : " (" + held + " " + what + " not logged)";
    }

    /** "12345 bytes (0.0 MiB)", or "an unknown amount" when the file system could not say. */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return "an unknown amount of space";
        }
        return bytes + " bytes (" + String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0)) + " MiB)";
    }
}
