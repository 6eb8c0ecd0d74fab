package io.kvorum.node.runtime;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.CoreMetrics;
import io.kvorum.node.protocol.RangeSync;
import io.kvorum.node.membership.MembershipEvent;
import io.kvorum.storage.engine.LogStats;
import io.kvorum.storage.hint.Hints;
import io.kvorum.storage.version.KeyLimits;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's counters in the node's Dropwizard registry (names as {@code /metrics} shows them), and
 * its events in the node's log (through {@link EventLog}).
 */
final class RuntimeMetrics implements CoreMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeMetrics.class);
    /** A full hint queue is logged at most this often per owner: it stays full while the owner is down. */
    private static final long FULL_QUEUE_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A key near its limit is written to again and again by the client causing it: one line a minute says enough. */
    private static final long NEAR_LIMIT_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int KEY_LOG_CHARS_MAX = 200;

    /** Requests turned away by node.operations-max (shared with the loop's own bound, by name). */
    private final Counter overloaded;
    private final Counter contextsRejected;
    /** Overload lasts while the flood does: one line a minute says enough. */
    private final LogLimiter overloadLog = new LogLimiter(TimeUnit.MINUTES.toNanos(1), 1);
    private final Counter readQuorumFailures;
    private final Counter writeQuorumFailures;
    private final Counter readRepairs;
    private final Counter digestMismatches;
    private final Counter writesForwarded;
    private final Counter storageFailures;
    private final Counter hintsStored;
    private final Counter hintsDropped;
    private final Counter hintsDelivered;
    private final Counter rangesCompared;
    private final Counter rangesInSync;
    private final Counter keysRepaired;
    private final Counter keyHashesSent;
    private final Counter statesSent;
    private final Counter refusedForSiblings;
    private final Counter refusedForBytes;
    private final Counter transferKeys;
    private final Counter transferBytes;
    private final Counter keysPurged;
    private volatile int transfersActive;
    private final Histogram readSiblings;
    private final Histogram readObjectBytes;
    private final LogLimiter nearLimitLog = new LogLimiter(NEAR_LIMIT_LOG_INTERVAL_NANOS, 1);
    private final Hints hints;
    private final EventLog events;
    private final LogLimiter fullQueueLog = new LogLimiter(FULL_QUEUE_LOG_INTERVAL_NANOS, 1);
    private volatile long oldestSyncAgeMillis = -1;
    /** Written by the core's thread, read by HTTP threads: an immutable list swapped whole. */
    private volatile List<RangeSync> syncs = List.of();

    RuntimeMetrics(MetricRegistry registry, Hints hints, EventLog events) {
        this.hints = hints;
        this.events = events;
        overloaded = registry.counter("node.overloaded");
        contextsRejected = registry.counter("kv.contexts-rejected");
        readQuorumFailures = registry.counter("kv.quorum-failures.read");
        writeQuorumFailures = registry.counter("kv.quorum-failures.write");
        readRepairs = registry.counter("kv.read-repairs");
        digestMismatches = registry.counter("kv.read-digest-mismatches");
        writesForwarded = registry.counter("kv.writes-forwarded");
        storageFailures = registry.counter("storage.failures");
        hintsStored = registry.counter("hints.stored");
        hintsDropped = registry.counter("hints.dropped");
        hintsDelivered = registry.counter("hints.delivered");
        registry.gauge("hints.pending", () -> hints::total);
        rangesCompared = registry.counter("anti-entropy.ranges-compared");
        rangesInSync = registry.counter("anti-entropy.ranges-in-sync");
        keysRepaired = registry.counter("anti-entropy.keys-repaired");
        keyHashesSent = registry.counter("anti-entropy.key-hashes-sent");
        statesSent = registry.counter("anti-entropy.states-sent");
        registry.gauge("anti-entropy.oldest-sync-age-ms", () -> () -> oldestSyncAgeMillis);
        refusedForSiblings = registry.counter("kv.writes-refused.siblings-max");
        refusedForBytes = registry.counter("kv.writes-refused.key-bytes-max");
        transferKeys = registry.counter("transfer.keys");
        transferBytes = registry.counter("transfer.bytes");
        keysPurged = registry.counter("transfer.keys-cleaned-up");
        registry.gauge("transfer.active", () -> () -> transfersActive);
        readSiblings = registry.histogram("kv.read.siblings", RuntimeMetrics::lockFreeHistogram);
        readObjectBytes = registry.histogram("kv.read.object-bytes", RuntimeMetrics::lockFreeHistogram);
    }

    /**
     * A histogram updated on every read: the lock-free decaying reservoir the request timers use, not
     * the default one, whose skip list and lock cost 1% of a node's CPU under YCSB (issue 16).
     */
    private static Histogram lockFreeHistogram() {
        return new Histogram(LockFreeExponentiallyDecayingReservoir.builder().build());
    }

    /** Gauges over the log engine's statistics (each reading takes a fresh, cheap snapshot). */
    static void registerStorage(MetricRegistry registry, Supplier<LogStats> stats) {
        gauge(registry, "storage.keys", stats, LogStats::keys);
        gauge(registry, "storage.keydir-heap-bytes", stats, LogStats::keydirHeapBytes);
        gauge(registry, "storage.segments", stats, LogStats::segments);
        gauge(registry, "storage.disk-bytes", stats, LogStats::diskBytes);
        gauge(registry, "storage.dead-bytes", stats, LogStats::deadBytes);
        gauge(registry, "storage.corrupt-records", stats, LogStats::corruptRecords);
        gauge(registry, "storage.compactions", stats, LogStats::compactions);
        gauge(registry, "storage.bytes-reclaimed", stats, LogStats::bytesReclaimed);
        gauge(registry, "storage.fsyncs", stats, LogStats::fsyncs);
        gauge(registry, "storage.cache.hits", stats, LogStats::cacheHits);
        gauge(registry, "storage.cache.misses", stats, LogStats::cacheMisses);
        gauge(registry, "storage.cache.bytes", stats, LogStats::cacheBytes);
        gauge(registry, "storage.cache.capacity-bytes", stats, LogStats::cacheCapacityBytes);
    }

    /** The {@code storage.keys} gauge alone, for an engine without log statistics (the memory engine). */
    static void registerKeys(MetricRegistry registry, LongSupplier keys) {
        registry.gauge("storage.keys", () -> keys::getAsLong);
    }

    private static void gauge(MetricRegistry registry, String name, Supplier<LogStats> stats, ToLongFunction<LogStats> field) {
        registry.gauge(name, () -> () -> field.applyAsLong(stats.get()));
    }

    @Override
    public void transferEvent(String line) {
        events.transfer(line);
    }

    @Override
    public void transferBatch(NodeId source, int keys, long bytes) {
        transferKeys.inc(keys);
        transferBytes.inc(bytes);
    }

    @Override
    public void transfersActive(int streams) {
        transfersActive = streams;
    }

    @Override
    public void keysPurged(int keys) {
        keysPurged.inc(keys);
    }

    @Override
    public void overloaded(String what) {
        overloaded.inc();
        overloadLog.admit(what, System.nanoTime()).ifPresent(held -> LOG.warn("{} reached node.operations-max: new requests"
                + " are answered 503 at once until some finish ({} more since the last line)", what, held));
    }

    @Override
    public void contextRejected(String reason) {
        contextsRejected.inc();
        events.contextRejected(reason);
    }

    @Override
    public void writeRefused(KeyLimits.Limit limit) {
        switch (limit) {
            case SIBLINGS -> refusedForSiblings.inc();
            case BYTES -> refusedForBytes.inc();
        }
    }

    @Override
    public void keyNearLimit(Key key, KeyLimits.Limit limit, int siblings, long bytes) {
        String setting = switch (limit) {
            case SIBLINGS -> "storage.siblings-max";
            case BYTES -> "storage.key-bytes-max";
        };
        nearLimitLog.admit(setting, System.nanoTime()).ifPresent(held -> LOG.warn("key {} has {} siblings in about {} bytes,"
                + " past half of {}: a client is writing it without the context of a read; writes past the limit will be refused"
                + " (logged at most once a minute per limit; {} such writes since the last line)", printable(key), siblings, bytes,
                setting, held));
    }

    /** A client's key as a log line may show it: at most 200 characters, control characters escaped (no forged lines). */
    static String printable(Key key) {
        String text = key.text();
        StringBuilder out = new StringBuilder(Math.min(text.length(), KEY_LOG_CHARS_MAX) + 8);
        int i = 0;
        for (; i < text.length() && out.length() < KEY_LOG_CHARS_MAX; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < text.length() ? out.append('…').toString() : out.toString();
    }

    @Override
    public void readFound(int siblings, long bytes) {
        readSiblings.update(siblings);
        readObjectBytes.update(bytes);
    }

    @Override
    public void quorumFailed(boolean write) {
        (write ? writeQuorumFailures : readQuorumFailures).inc();
    }

    @Override
    public void readRepairsSent(int count) {
        readRepairs.inc(count);
    }

    @Override
    public void readDigestMismatches(int count) {
        digestMismatches.inc(count);
    }

    @Override
    public void writeForwarded() {
        writesForwarded.inc();
    }

    @Override
    public void storageFailed(String reason) {
        storageFailures.inc();
        events.storageFailed(reason);
    }

    @Override
    public void hintStored(NodeId owner) {
        hintsStored.inc();
    }

    @Override
    public void hintRefused(NodeId owner) {
        hintsDropped.inc();
        fullQueueLog.admit(owner.value(), System.nanoTime()).ifPresent(held -> LOG.warn("hint queue for {} is full ({} hints,"
                + " handoff.max-hints-per-owner): further writes it misses are not hinted and reach it through read repair and"
                + " anti-entropy; {} hints dropped so far", owner, hints.count(owner), hintsDropped.getCount()));
    }

    @Override
    public void hintsDelivered(NodeId owner, int count) {
        hintsDelivered.inc(count);
        events.hintsDelivered(owner, count);
    }

    @Override
    public void antiEntropyCompared(int ranges, int inSync) {
        rangesCompared.inc(ranges);
        rangesInSync.inc(inSync);
    }

    @Override
    public void antiEntropyKeysRepaired(NodeId peer, int keys) {
        keysRepaired.inc(keys);
        events.antiEntropyKeysRepaired(peer, keys);
    }

    @Override
    public void antiEntropySent(int keyHashes, int states) {
        keyHashesSent.inc(keyHashes);
        statesSent.inc(states);
    }

    @Override
    public void membershipChanged(MembershipEvent event) {
        events.membershipChanged(event);
    }

    @Override
    public void antiEntropySyncAge(long ageMillis) {
        oldestSyncAgeMillis = ageMillis;
    }

    @Override
    public void antiEntropySyncs(List<RangeSync> syncs) {
        this.syncs = List.copyOf(syncs);
    }

    /** The latest (peer, range) snapshot anti-entropy reported, in the core's monotonic milliseconds. */
    List<RangeSync> antiEntropySyncs() {
        return syncs;
    }
}
