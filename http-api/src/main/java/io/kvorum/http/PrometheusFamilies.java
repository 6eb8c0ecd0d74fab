package io.kvorum.http;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Dropwizard registry and its membership view as Prometheus families, named by Prometheus'
 * conventions: {@code kvorum_} prefix, base units ({@code _seconds}, {@code _bytes}), {@code _total}
 * on counters, and one family with a label where Dropwizard has one metric per variant
 * ({@code kv.quorum-failures.read} and {@code .write} become {@code kvorum_quorum_failures_total{op}}).
 *
 * <p>Why not the client's Dropwizard bridge: it exports every Dropwizard metric as a family of its own
 * named after it, so it can neither add units nor merge variants into one labelled family. Metrics the
 * table below does not know (added later) are still exported, under a name derived from theirs (one
 * whose derived name collides with another kind's family is left out and logged once, never silently).
 * Dropwizard counters, gauges and histograms are exported; the registry holds no meters, and its only
 * timers are the request timers. The request timers ({@code kv.get} ...) are left out: the
 * labelled histogram {@code kvorum_requests_seconds} replaces them.
 */
final class PrometheusFamilies implements MultiCollector {
    /** How one Dropwizard counter or gauge appears: its family, the labels of its sample, and a scale. */
    private record Mapping(String family, String help, Kind kind, Labels labels, double scale, Unit unit) {}

    private enum Kind { COUNTER, GAUGE }

    private static final String HTTP_ERRORS_PREFIX = "http.errors.";
    private static final List<String> REQUEST_TIMERS = List.of("kv.get", "kv.put", "kv.delete");
    private static final Map<String, Mapping> MAPPINGS = mappings();

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusFamilies.class);

    private final MetricRegistry registry;
    private final Set<String> skippedNames = ConcurrentHashMap.newKeySet();
    private final Supplier<MembersView> members;

    PrometheusFamilies(MetricRegistry registry, Supplier<MembersView> members) {
        this.registry = registry;
        this.members = members;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, List<Sample>> families = new LinkedHashMap<>();
        Map<String, Mapping> heads = new LinkedHashMap<>();
        SortedMap<String, Counter> counters = registry.getCounters();
        counters.forEach((name, counter) -> add(families, heads, name, mappingFor(name, Kind.COUNTER), counter.getCount()));
        SortedMap<String, Gauge> gauges = registry.getGauges();
        gauges.forEach((name, gauge) -> {
            if (gauge.getValue() instanceof Number number) {
                add(families, heads, name, mappingFor(name, Kind.GAUGE), number.doubleValue());
            }
        });
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        families.forEach((family, samples) -> out.metricSnapshot(snapshot(heads.get(family), samples)));
        registry.getHistograms().forEach((name, histogram) -> {
            MetricSnapshot summary = summary(name, histogram);
            if (families.containsKey(summary.getMetadata().getName())) {
                skipped(name, summary.getMetadata().getName());
            } else {
                out.metricSnapshot(summary);
            }
        });
        out.metricSnapshot(members());
        return out.build();
    }

    /**
     * A metric whose family name another metric of another kind already took (derived names fold
     * '.' and '-' into '_' and drop suffixes such as _total): left out, as a duplicate family would
     * make the whole exposition fail, and said once in the log so the table above gets its entry.
     */
    private void skipped(String name, String family) {
        if (skippedNames.add(name)) {
            LOG.warn("metric {} is not exported to Prometheus: its family name {} is taken by another metric", name, family);
        }
    }

    /**
     * A Dropwizard histogram as a summary: its count and the median, 0.9 and 0.99 quantiles of its
     * (exponentially decaying) reservoir. No {@code _sum}: the reservoir holds samples, not their total.
     */
    private static MetricSnapshot summary(String name, Histogram histogram) {
        Mapping known = MAPPINGS.get(name);
        String family = known != null ? known.family()
                : PrometheusNaming.sanitizeMetricName("kvorum_" + name.replace('.', '_').replace('-', '_'));
        Snapshot reservoir = histogram.getSnapshot();
        Quantiles quantiles = Quantiles.of(new Quantile(0.5, reservoir.getMedian()), new Quantile(0.9, reservoir.getValue(0.9)),
                new Quantile(0.99, reservoir.get99thPercentile()));
        SummarySnapshot.Builder builder = SummarySnapshot.builder().name(family)
                .help(known != null ? known.help() : "Dropwizard histogram " + name + ".");
        if (known != null && known.unit() != null) {
            builder.unit(known.unit());
        }
        return builder.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
                .count(histogram.getCount()).quantiles(quantiles).build()).build();
    }

    /** One sample of a family: its labels and value. */
    private record Sample(Labels labels, double value) {}

    private void add(Map<String, List<Sample>> families, Map<String, Mapping> heads, String name, Mapping mapping, double raw) {
        if (mapping == null) {
            return;
        }
        Mapping head = heads.putIfAbsent(mapping.family(), mapping);
        if (head != null && head.kind() != mapping.kind()) {
            skipped(name, mapping.family());
            return;
        }
        List<Sample> samples = families.computeIfAbsent(mapping.family(), f -> new ArrayList<>());
        // Anti-entropy's sync age is -1 before the first exchange: no sample rather than a false age.
        boolean noAgeYet = mapping.kind() == Kind.GAUGE && mapping.unit() == Unit.SECONDS && raw < 0;
        if (!noAgeYet) {
            samples.add(new Sample(mapping.labels(), raw * mapping.scale()));
        }
    }

    private static MetricSnapshot snapshot(Mapping head, List<Sample> samples) {
        return switch (head.kind()) {
            case COUNTER -> {
                CounterSnapshot.Builder builder = CounterSnapshot.builder().name(head.family()).help(head.help());
                if (head.unit() != null) {
                    builder.unit(head.unit());
                }
                samples.forEach(s -> builder.dataPoint(CounterDataPointSnapshot.builder().labels(s.labels()).value(s.value()).build()));
                yield builder.build();
            }
            case GAUGE -> {
                GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(head.family()).help(head.help());
                if (head.unit() != null) {
                    builder.unit(head.unit());
                }
                samples.forEach(s -> builder.dataPoint(GaugeDataPointSnapshot.builder().labels(s.labels()).value(s.value()).build()));
                yield builder.build();
            }
        };
    }

    /** {@code kvorum_members{status}}: every status, 0 where no member has it, so alerts see a steady series. */
    private MetricSnapshot members() {
        Map<MembersView.Status, Integer> byStatus = new EnumMap<>(MembersView.Status.class);
        for (MembersView.Status status : MembersView.Status.values()) {
            byStatus.put(status, 0);
        }
        members.get().members().forEach(member -> byStatus.merge(member.status(), 1, Integer::sum));
        GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name("kvorum_members")
                .help("Cluster members by status, as this node's failure detector and gossip see them.");
        byStatus.forEach((status, count) -> builder.dataPoint(GaugeDataPointSnapshot.builder()
                .labels(Labels.of("status", status.wire())).value(count).build()));
        return builder.build();
    }

    /** The known mapping, one for an HTTP error counter, else a derived one; null for the request timers. */
    private static Mapping mappingFor(String name, Kind kind) {
        Mapping known = MAPPINGS.get(name);
        if (known != null) {
            return known;
        }
        if (REQUEST_TIMERS.contains(name)) {
            return null;
        }
        if (kind == Kind.COUNTER && name.startsWith(HTTP_ERRORS_PREFIX)) {
            return new Mapping("kvorum_http_errors", "HTTP error responses by error code (api.md's table).", Kind.COUNTER,
                    Labels.of("code", name.substring(HTTP_ERRORS_PREFIX.length())), 1, null);
        }
        String family = PrometheusNaming.sanitizeMetricName("kvorum_" + name.replace('.', '_').replace('-', '_'));
        return new Mapping(family, "Dropwizard metric " + name + ".", kind, Labels.EMPTY, 1, null);
    }

    private static Map<String, Mapping> mappings() {
        Map<String, Mapping> m = new LinkedHashMap<>();
        counter(m, "kv.quorum-failures.read", "kvorum_quorum_failures",
                "Requests answered 503 or 507 because their quorum was not reached (timed out, or too few replicas could take part).", Labels.of("op", "read"));
        counter(m, "kv.quorum-failures.write", "kvorum_quorum_failures",
                "Requests answered 503 or 507 because their quorum was not reached (timed out, or too few replicas could take part).", Labels.of("op", "write"));
        counter(m, "kv.read-repairs", "kvorum_read_repairs", "Read repairs sent to stale replicas after reads.", Labels.EMPTY);
        counter(m, "kv.read-digest-mismatches", "kvorum_read_digest_mismatches",
                "Replicas whose digest differed from the data replica's state in a digest read (each then sent its whole state).", Labels.EMPTY);
        m.put("kv.read-bytes-received", new Mapping("kvorum_read_received_bytes",
                "Internode bytes of reads this node received: replica read requests and their state and digest responses.",
                Kind.COUNTER, Labels.EMPTY, 1, Unit.BYTES));
        m.put("kv.read-repair-bytes-received", new Mapping("kvorum_read_repair_received_bytes",
                "Internode bytes of read repairs this node received.", Kind.COUNTER, Labels.EMPTY, 1, Unit.BYTES));
        counter(m, "kv.writes-forwarded", "kvorum_writes_forwarded",
                "Writes forwarded to a replica because this node is none of the key's replicas.", Labels.EMPTY);
        counter(m, "storage.failures", "kvorum_storage_failures",
                "Replica requests that failed because the local storage engine failed.", Labels.EMPTY);
        counter(m, "hints.stored", "kvorum_hints_stored", "Hints stored here for down or slow owners.", Labels.EMPTY);
        counter(m, "hints.delivered", "kvorum_hints_delivered", "Hints handed back to their owners and deleted.", Labels.EMPTY);
        counter(m, "hints.dropped", "kvorum_hints_dropped",
                "Hints refused because their owner's queue was full (handoff.max-hints-per-owner).", Labels.EMPTY);
        counter(m, "anti-entropy.ranges-compared", "kvorum_anti_entropy_ranges_compared",
                "Token ranges compared by Merkle-tree exchanges.", Labels.EMPTY);
        counter(m, "anti-entropy.ranges-in-sync", "kvorum_anti_entropy_ranges_in_sync",
                "Compared token ranges that were found identical.", Labels.EMPTY);
        counter(m, "anti-entropy.keys-repaired", "kvorum_anti_entropy_keys_repaired",
                "Keys changed on this node by anti-entropy merges.", Labels.EMPTY);
        counter(m, "anti-entropy.key-hashes-sent", "kvorum_anti_entropy_key_hashes_sent",
                "Key hashes this node sent to compare the keys of differing Merkle leaves.", Labels.EMPTY);
        counter(m, "anti-entropy.states-sent", "kvorum_anti_entropy_states_sent",
                "Key states this node sent to a peer by anti-entropy (keys whose hashes differed or that the peer lacked).", Labels.EMPTY);
        m.put("transfer.bytes", new Mapping("kvorum_transfer_received_bytes",
                "Bytes of key states this node received by range transfers (join, leave, remove, replace).",
                Kind.COUNTER, Labels.EMPTY, 1, Unit.BYTES));
        counter(m, "transfer.keys", "kvorum_transfer_received_keys",
                "Key states this node received by range transfers (join, leave, remove, replace).", Labels.EMPTY);
        counter(m, "transfer.keys-cleaned-up", "kvorum_transfer_cleaned_up_keys",
                "Keys dropped after a membership change because this node no longer replicates their range.", Labels.EMPTY);
        gauge(m, "transfer.active", "kvorum_transfer_active_streams", "Range streams with a batch in flight to this node.", 1, null);
        gauge(m, "hints.pending", "kvorum_hints_pending", "Hints this node holds for other nodes, not yet handed back.", 1, null);
        gauge(m, "anti-entropy.oldest-sync-age-ms", "kvorum_anti_entropy_oldest_sync_age_seconds",
                "How long ago the least recently synchronised (peer, range) pair was last found identical;"
                + " absent before the first exchange.", 1e-3, Unit.SECONDS);
        gauge(m, "storage.keys", "kvorum_storage_keys", "Keys stored in this node's own engine (hints excluded).", 1, null);
        gauge(m, "storage.keydir-heap-bytes", "kvorum_storage_keydir_heap_bytes", "Heap held by the log engine's key directory.", 1, Unit.BYTES);
        gauge(m, "storage.segments", "kvorum_storage_segments", "Segment files of the log engine.", 1, null);
        gauge(m, "storage.disk-bytes", "kvorum_storage_disk_bytes", "Bytes in all segment files.", 1, Unit.BYTES);
        gauge(m, "storage.dead-bytes", "kvorum_storage_dead_bytes", "Bytes of overwritten or removed records not yet compacted away.", 1, Unit.BYTES);
        counter(m, "storage.corrupt-records", "kvorum_storage_corrupt_records",
                "Records that failed their checksum (at recovery or on read), skipped and never served.", Labels.EMPTY);
        counter(m, "storage.compactions", "kvorum_storage_compactions", "Compactions completed.", Labels.EMPTY);
        m.put("storage.bytes-reclaimed", new Mapping("kvorum_storage_reclaimed_bytes", "Disk bytes freed by compaction.",
                Kind.COUNTER, Labels.EMPTY, 1, Unit.BYTES));
        counter(m, "storage.fsyncs", "kvorum_storage_fsyncs", "fsyncs of the log engine's active segment.", Labels.EMPTY);
        counter(m, "storage.cache.hits", "kvorum_storage_cache_hits", "Reads served by the read cache.", Labels.EMPTY);
        counter(m, "storage.cache.misses", "kvorum_storage_cache_misses", "Reads that missed the read cache.", Labels.EMPTY);
        gauge(m, "storage.cache.bytes", "kvorum_storage_cache_bytes",
                "What the read cache holds now (encoded bytes plus a per-entry overhead, as its weigher counts).", 1, Unit.BYTES);
        gauge(m, "storage.cache.capacity-bytes", "kvorum_storage_cache_capacity_bytes",
                "The most the read cache may hold: storage.cache-size resolved against the node's maximum heap.", 1, Unit.BYTES);
        counter(m, "node.overloaded", "kvorum_overloaded_requests",
                "Requests answered 503 at once because a queue of the node reached node.operations-max.", Labels.EMPTY);
        counter(m, "kv.contexts-rejected", "kvorum_contexts_rejected",
                "Client contexts rejected (bad signature, absurd counter) or cut back (a claim on this node's own writes"
                + " beyond what it issued).", Labels.EMPTY);
        counter(m, "internode.rejected-connections", "kvorum_internode_rejected_connections",
                "Internode connections closed for failing the handshake or a frame's MAC, or for sending a bad byte.", Labels.EMPTY);
        gauge(m, "http.connections.open", "kvorum_http_connections", "Client connections open now (bounded by http.connections-max).", 1, null);
        gauge(m, "http.requests.in-flight", "kvorum_http_requests_in_flight",
                "Client requests between their headers and their answer now (bounded by http.requests-in-flight-max).", 1, null);
        counter(m, "http.connections.refused", "kvorum_http_connections_refused",
                "Client connections refused at once because http.connections-max were open.", Labels.EMPTY);
        counter(m, "node.core-failures", "kvorum_core_failures",
                "Exceptions of the node's core; the node stops after one, so more than zero means it is on its way down.", Labels.EMPTY);
        counter(m, "kv.writes-refused.siblings-max", "kvorum_writes_refused",
                "Writes refused before anything was stored because they would take a key past a limit.",
                Labels.of("limit", "storage.siblings-max"));
        counter(m, "kv.writes-refused.key-bytes-max", "kvorum_writes_refused",
                "Writes refused before anything was stored because they would take a key past a limit.",
                Labels.of("limit", "storage.key-bytes-max"));
        m.put("kv.read.siblings", new Mapping("kvorum_read_siblings", "Live values per successful read (Riak's siblings).",
                Kind.GAUGE, Labels.EMPTY, 1, null));
        m.put("kv.read.object-bytes", new Mapping("kvorum_read_object_bytes", "Bytes of the live values per successful read"
                + " (Riak's objsize).", Kind.GAUGE, Labels.EMPTY, 1, Unit.BYTES));
        return Map.copyOf(m);
    }

    private static void counter(Map<String, Mapping> m, String name, String family, String help, Labels labels) {
        m.put(name, new Mapping(family, help, Kind.COUNTER, labels, 1, null));
    }

    private static void gauge(Map<String, Mapping> m, String name, String family, String help, double scale, Unit unit) {
        m.put(name, new Mapping(family, help, Kind.GAUGE, Labels.EMPTY, scale, unit));
    }
}
