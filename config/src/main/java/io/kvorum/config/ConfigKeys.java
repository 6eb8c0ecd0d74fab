package io.kvorum.config;

import io.kvorum.common.NodeId;
import io.kvorum.config.QuorumConfig.ReadFanout;
import io.kvorum.config.StorageConfig.Engine;
import io.kvorum.config.StorageConfig.SyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every setting, declared once with its default, allowed values and description. The README's
 * configuration reference is rendered from these ({@link ConfigReference#markdownTable()}), so a new
 * key needs only a constant here, an entry in {@link #all()} and a record component that uses it.
 */
public final class ConfigKeys {
    /** Largest replication factor; also bounds R and W. More replicas than this is a configuration mistake. */
    static final int QUORUM_N_MAX = 16;
    /** Largest client value; bigger values belong in a blob store, with a key stored here. */
    static final int VALUE_BYTES_MAX_LIMIT = (int) (64 * Units.MIB);
    /**
     * An internode frame must hold a replica's reply carrying several siblings of the largest value
     * (a read that finds concurrent versions, a handoff or repair batch): room for four such values
     * plus 1 MiB for keys, vector clocks and framing.
     */
    static final int FRAME_VALUES_MIN = 4;
    static final int FRAME_OVERHEAD_BYTES = (int) Units.MIB;
    /** Largest storage.siblings-max: the version codec reads at most this many siblings of one key. */
    static final int SIBLINGS_MAX_LIMIT = 65_536;
    /** Room a key's state needs beyond its one largest value: its version history and framing. */
    static final int KEY_HISTORY_BYTES = (int) (64 * Units.KIB);
    /**
     * Default of storage.key-bytes-max where nothing forces less or more. Riak warns at 5 MB objects
     * and refuses 50 MB; a state is rewritten on every write of its key, so a few MiB keeps that cheap.
     */
    static final int KEY_BYTES_MAX_DEFAULT = (int) (8 * Units.MIB);

    public static final ConfigKey<NodeId> NODE_ID = ConfigKey.of("node.id", "node-1", ValueTypes.nodeId(),
            "This node's stable name; must be one of cluster.members and names the default data directory.");

    public static final ConfigKey<Path> NODE_DATA_DIR = ConfigKey.derived("node.data-dir", "./data/<node.id>",
            ValueTypes.path(), lookup -> Path.of("./data", lookup.get(NODE_ID).value()),
            "Directory holding this node's stored data and hints; a relative path is relative to the working directory.");

    public static final ConfigKey<Duration> NODE_SHUTDOWN_TIMEOUT = ConfigKey.of("node.shutdown-timeout", "10s",
            ValueTypes.duration(Duration.ZERO, Duration.ofMinutes(5)),
            "How long a graceful shutdown may take before the process exits anyway.");

    /**
     * Default of node.operations-max: far above what a node serves at once when healthy (a benchmark
     * client with 256 threads keeps a few hundred requests in flight), small enough that a flood
     * cannot fill the heap with waiting requests.
     */
    static final int NODE_OPERATIONS_MAX_DEFAULT = 10_000;

    public static final ConfigKey<Integer> NODE_OPERATIONS_MAX = ConfigKey.of("node.operations-max",
            String.valueOf(NODE_OPERATIONS_MAX_DEFAULT), ValueTypes.integer(1, 1_000_000),
            "Most requests a node works on at once, counted separately for client requests waiting for an answer,"
            + " reads and writes it coordinates (forwarded ones included) and storage operations in progress; past it a"
            + " new request is answered 503 at once, naming this key, instead of queueing without bound.");

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.of("http.host", "127.0.0.1", ValueTypes.host(),
            "Address the client HTTP API listens on; also this node's advertised HTTP address in the default cluster.members.");

    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("http.port", "8081",
            ValueTypes.integer(0, HostPort.PORT_MAX),
            "Port of the client HTTP API; 0 picks a free port (for tests).");

    public static final ConfigKey<Integer> HTTP_VALUE_BYTES_MAX = ConfigKey.of("http.value-bytes-max", "1MiB",
            ValueTypes.bytes(1, VALUE_BYTES_MAX_LIMIT),
            "Largest value (its JSON text) a client may write; a larger one is rejected with 413 value_too_large.");

    public static final ConfigKey<Duration> HTTP_HEADER_TIMEOUT = ConfigKey.of("http.header-timeout", "10s",
            ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10)),
            "Most time a client may take to send a request's line and headers, counted from its first byte; a client"
            + " still sending then gets 408 and its connection is closed (a slow-header client holds a connection for"
            + " at most this long). An idle keep-alive connection is not affected.");

    public static final ConfigKey<Duration> HTTP_BODY_TIMEOUT = ConfigKey.of("http.body-timeout", "30s",
            ValueTypes.duration(Duration.ofMillis(100), Duration.ofMinutes(10)),
            "Most time a client may take to send a request's whole body once its headers are in; a client still"
            + " sending then gets 408 (or, if the node already answered, only the close). 30s carries the largest"
            + " value over a 300 kbit/s link.");

    public static final ConfigKey<Integer> HTTP_CONNECTIONS_MAX = ConfigKey.of("http.connections-max", "4096",
            ValueTypes.integer(1, 1_000_000),
            "Most client connections the node keeps open at once; a connection beyond it is answered 503 overloaded"
            + " (with Retry-After) and closed at once, while the open ones keep working.");

    public static final ConfigKey<Integer> HTTP_REQUESTS_IN_FLIGHT_MAX = ConfigKey.of("http.requests-in-flight-max", "1024",
            ValueTypes.integer(1, 1_000_000),
            "Most client requests the node works on at once (from their headers to their answer, any route);"
            + " one more is answered 503 overloaded with Retry-After at once. Bounds the memory that request"
            + " bodies and waiting requests take: each may hold up to http.value-bytes-max + 64KiB.");

    public static final ConfigKey<Optional<Path>> HTTP_TLS_CERT_FILE = ConfigKey.of("http.tls.cert-file", "",
            ValueTypes.optionalFile(),
            "PEM certificate chain (the node's certificate first) for HTTPS; with http.tls.key-file it turns TLS on"
            + " for every client connection (no plain HTTP is served then). Empty: plain HTTP.");

    public static final ConfigKey<Optional<Path>> HTTP_TLS_KEY_FILE = ConfigKey.of("http.tls.key-file", "",
            ValueTypes.optionalFile(),
            "PEM private key (PKCS#8 or PKCS#1) of http.tls.cert-file; must not be readable by group or others.");

    public static final ConfigKey<Optional<Path>> HTTP_TLS_CA_FILE = ConfigKey.of("http.tls.ca-file", "",
            ValueTypes.optionalFile(),
            "PEM CA certificates this node trusts for the other nodes' HTTPS, which GET /cluster/status asks for their"
            + " figures (host names checked); empty: the certificates in http.tls.cert-file. Used only with TLS on.");

    public static final ConfigKey<Optional<Path>> HTTP_AUTH_TOKENS_FILE = ConfigKey.of("http.auth.tokens-file", "",
            ValueTypes.optionalFile(),
            "File of bearer tokens and their roles, one 'TOKEN ROLE[,ROLE...]' per line (roles read, write, admin;"
            + " # starts a comment); when set, every request but GET /health needs 'Authorization: Bearer TOKEN'."
            + " Must not be readable by group or others. Empty: no client authentication.");

    public static final ConfigKey<String> INTERNODE_HOST = ConfigKey.of("internode.host", "127.0.0.1",
            ValueTypes.host(),
            "Address the node-to-node transport listens on; also this node's advertised internode address in the default cluster.members.");

    public static final ConfigKey<Integer> INTERNODE_PORT = ConfigKey.of("internode.port", "9081",
            ValueTypes.integer(0, HostPort.PORT_MAX),
            "Port of the node-to-node transport; 0 picks a free port (for tests).");

    public static final ConfigKey<Duration> INTERNODE_CONNECT_TIMEOUT = ConfigKey.of("internode.connect-timeout", "1s",
            ValueTypes.duration(Duration.ofMillis(10), Duration.ofSeconds(60)),
            "How long to wait for a connection to a peer before treating the attempt as failed.");

    public static final ConfigKey<Integer> INTERNODE_FRAME_BYTES_MAX = ConfigKey.of("internode.frame-bytes-max", "80MiB",
            ValueTypes.bytes((int) Units.MIB, (int) Units.GIB),
            "Largest node-to-node message; must be at least http.value-bytes-max * 4 + 1MiB so that a reply carrying siblings fits.");

    public static final ConfigKey<Duration> INTERNODE_IDLE_TIMEOUT = ConfigKey.of("internode.idle-timeout", "2m",
            ValueTypes.duration(Duration.ofSeconds(1), Duration.ofHours(24)),
            "A connection between nodes that carries nothing for this long is closed (it is opened again on the next"
            + " message); bounds what dead or abandoned connections hold.");

    public static final ConfigKey<Duration> INTERNODE_HANDSHAKE_TIMEOUT = ConfigKey.of("internode.handshake-timeout", "5s",
            ValueTypes.duration(Duration.ofMillis(10), Duration.ofMinutes(1)),
            "A connection whose peer has not proved it holds the cluster secret within this time is closed.");

    public static final ConfigKey<Integer> INTERNODE_SEND_QUEUE_BYTES_MAX = ConfigKey.of("internode.send-queue-bytes-max", "64MiB",
            ValueTypes.bytes((int) Units.MIB, (int) Units.GIB),
            "Most bytes waiting to be sent to one peer; past it a message to that peer fails at once (the request"
            + " counts the replica as failed) instead of queueing without bound behind a slow or stuck peer.");

    public static final ConfigKey<java.util.Optional<Path>> INTERNODE_SECRET_FILE = ConfigKey.of("internode.secret-file", "",
            ValueTypes.optionalFile(),
            "File holding the cluster secret (at least 32 random bytes, readable only by its owner), the same on every node:"
            + " connections between nodes must prove they hold it, and it signs client contexts. Required when"
            + " internode.host is not a loopback address; scripts/kvorum up and compose up make one per cluster.");

    public static final ConfigKey<java.util.Optional<Path>> INTERNODE_TLS_CERT_FILE = ConfigKey.of("internode.tls.cert-file", "",
            ValueTypes.optionalFile(),
            "PEM certificate of this node for mutual TLS between nodes (with internode.tls.key-file and internode.tls.ca-file;"
            + " all three or none). scripts/kvorum certs makes them for a local cluster.");

    public static final ConfigKey<java.util.Optional<Path>> INTERNODE_TLS_KEY_FILE = ConfigKey.of("internode.tls.key-file", "",
            ValueTypes.optionalFile(),
            "PEM private key (PKCS#8) of internode.tls.cert-file.");

    public static final ConfigKey<java.util.Optional<Path>> INTERNODE_TLS_CA_FILE = ConfigKey.of("internode.tls.ca-file", "",
            ValueTypes.optionalFile(),
            "PEM certificate of the cluster's CA: a peer must present a certificate it signed, and so must this node.");

    public static final ConfigKey<String> CLUSTER_NAME = ConfigKey.of("cluster.name", "kvorum", ValueTypes.name(),
            "The cluster's name, the same on every node; part of what the internode handshake authenticates, so nodes"
            + " of two clusters that share a secret by mistake still refuse each other.");

    public static final ConfigKey<List<MemberAddress>> CLUSTER_MEMBERS = ConfigKey.derived("cluster.members",
            "<node.id>@<internode.host>:<internode.port>/<http.host>:<http.port>", new MemberListType(),
            ConfigKeys::selfAsOnlyMember,
            "The cluster's nodes in join order, which decides token allocation, so every node must list them in the same order;"
            + " a config file may also give a list of {id, internode, http}.");

    public static final ConfigKey<List<SeedAddress>> CLUSTER_SEEDS = ConfigKey.of("cluster.seeds", "", new SeedListType(),
            "Members a node contacts to join (id@internodeHost:port,...). A node whose cluster.members lists only itself"
            + " and that has seeds joins the running cluster and takes its ring tokens from it; members of a longer"
            + " cluster.members list gossip with each other and need no seeds.");

    public static final ConfigKey<Duration> GOSSIP_INTERVAL = ConfigKey.of("gossip.interval", "1s",
            ValueTypes.duration(Duration.ofMillis(10), Duration.ofMinutes(1)),
            "How often a node gossips; shorter spreads news and detects failures sooner, at more messages per second.");

    public static final ConfigKey<Integer> GOSSIP_FANOUT = ConfigKey.of("gossip.fanout", "2", ValueTypes.integer(1, 16),
            "Live peers a node gossips with per round; 2 gives the failure detector regular heartbeats from"
            + " every member (1 made detection take 10-12 s in simulation).");

    public static final ConfigKey<Double> FD_THRESHOLD = ConfigKey.of("failure-detector.threshold", "8",
            ValueTypes.decimal(0.5, 64),
            "Phi at which a member is suspected down; higher means fewer false suspicions but slower detection"
            + " (phi 8 is roughly a 1-in-10^8 chance that the member is in fact alive).");

    public static final ConfigKey<Duration> FD_ACCEPTABLE_HEARTBEAT_PAUSE = ConfigKey.of("failure-detector.acceptable-heartbeat-pause",
            "2s", ValueTypes.duration(Duration.ZERO, Duration.ofMinutes(5)),
            "Silence tolerated beyond the usual heartbeat interval before phi rises; raise it for networks or JVMs with long hiccups.");

    public static final ConfigKey<Duration> FD_MIN_STD_DEVIATION = ConfigKey.of("failure-detector.min-std-deviation", "500ms",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofMinutes(1)),
            "Floor on the heartbeat intervals' standard deviation, so very regular heartbeats do not make phi hair-triggered.");

    public static final ConfigKey<Integer> FD_MAX_SAMPLE_SIZE = ConfigKey.of("failure-detector.max-sample-size", "1000",
            ValueTypes.integer(2, 100_000),
            "Heartbeat intervals remembered per member; more adapts slower but is steadier.");

    public static final ConfigKey<Duration> FD_FIRST_HEARTBEAT_ESTIMATE = ConfigKey.of("failure-detector.first-heartbeat-estimate",
            "1s", ValueTypes.duration(Duration.ofMillis(1), Duration.ofMinutes(1)),
            "The interval assumed before any has been measured (about gossip.interval).");

    public static final ConfigKey<Duration> FD_MAX_INTERVAL = ConfigKey.of("failure-detector.max-interval", "5s",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofMinutes(10)),
            "Longest interval recorded in the history (longer ones are clamped), so one long absence does not"
            + " make the detector slow for a long time afterwards.");

    public static final ConfigKey<Duration> FD_MAX_LOCAL_PAUSE = ConfigKey.of("failure-detector.max-local-pause", "5s",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofMinutes(10)),
            "A gap this long between this node's own rounds (a GC pause, a stopped process) means its view is stale:"
            + " it convicts nobody until heartbeats have come in again.");

    public static final ConfigKey<Integer> RING_VNODES_PER_NODE = ConfigKey.of("ring.vnodes-per-node", "128",
            ValueTypes.integer(1, 4096),
            "Virtual nodes (tokens) per physical node; more spread ownership more evenly but make the ring bigger.");

    public static final ConfigKey<Integer> QUORUM_N = ConfigKey.of("quorum.n", "3",
            ValueTypes.integer(1, QUORUM_N_MAX),
            "Replicas per key (N): the first N distinct nodes clockwise from the key's token.");

    public static final ConfigKey<Integer> QUORUM_R = ConfigKey.of("quorum.r", "2",
            ValueTypes.integer(1, Integer.MAX_VALUE),
            "Default number of replica replies (R) a read waits for; a request may ask for another via ?r=.")
            .allowing("1..quorum.n");

    public static final ConfigKey<Integer> QUORUM_W = ConfigKey.of("quorum.w", "2",
            ValueTypes.integer(1, Integer.MAX_VALUE),
            "Default number of replica acknowledgements (W) a write or delete waits for; a request may ask for another via ?w=.")
            .allowing("1..quorum.n");

    public static final ConfigKey<Duration> QUORUM_REQUEST_TIMEOUT = ConfigKey.of("quorum.request-timeout", "2s",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofSeconds(60)),
            "Default time a coordinator waits for R or W replies before answering 503 unavailable; a request may override it with ?timeout_ms=.");

    public static final ConfigKey<Boolean> QUORUM_SLOPPY = ConfigKey.of("quorum.sloppy", "true", ValueTypes.bool(),
            "Quorum for requests without ?sloppy=: true counts the first quorum.n healthy nodes on the ring, stand-ins"
            + " holding hints for down owners (writes stay available through failures, but a read may miss a write until"
            + " its hints are handed back); false counts only the key's quorum.n preferred replicas (with R + W > N every"
            + " read quorum then overlaps every write quorum, at the cost of 503s while replicas are down).");

    public static final ConfigKey<Boolean> QUORUM_DIGEST_READS = ConfigKey.of("quorum.digest-reads", "true", ValueTypes.bool(),
            "Digest reads (Cassandra's): true asks one replica of a read for its state (the coordinator itself when it is"
            + " one) and the others for a 128-bit digest of theirs, fetching a replica's state only when its digest differs;"
            + " false asks each replica read for its whole state, as before (to compare the two, or while nodes of a version"
            + " without digest reads are still in the cluster: the state request is unchanged on the wire).");

    public static final ConfigKey<ReadFanout> QUORUM_READ_FANOUT = ConfigKey.of("quorum.read-fanout", "quorum",
            ValueTypes.lowerCaseEnum(ReadFanout.class),
            "Which replicas a read asks when it starts: quorum asks R of them (Cassandra's: the data replica, then replicas"
            + " the failure detector trusts), and the others only when one of those fails or has not answered by half the"
            + " request timeout; all asks every replica (Riak's), which costs more messages and bytes per read but lets read"
            + " repair reach replicas the read did not need.");

    public static final ConfigKey<Boolean> HANDOFF_ENABLED = ConfigKey.of("handoff.enabled", "true", ValueTypes.bool(),
            "Whether stand-ins store hints for the owners they wrote for and hand them back when those return; false"
            + " saves the hint disk and traffic, but a returning node then gets the writes it missed only through read"
            + " repair and anti-entropy.");

    public static final ConfigKey<Integer> HANDOFF_MAX_HINTS_PER_OWNER = ConfigKey.of("handoff.max-hints-per-owner", "100000",
            ValueTypes.integer(1, Integer.MAX_VALUE),
            "Most hints a node holds for one owner; more rides out a longer outage before writes are left to"
            + " anti-entropy, at more disk and an index entry on the heap per hint.");

    public static final ConfigKey<Integer> HANDOFF_RATE = ConfigKey.of("handoff.rate", "5000",
            ValueTypes.integer(1, Integer.MAX_VALUE),
            "Most hints per second this node hands back, summed over all owners; higher drains hints sooner after an"
            + " outage, but loads the returning node while it also catches up on client traffic.");

    public static final ConfigKey<Integer> HANDOFF_BATCH_SIZE = ConfigKey.of("handoff.batch-size", "100",
            ValueTypes.integer(1, 10_000),
            "Hints per handoff message; bigger batches need fewer round trips, but make bigger messages and resend"
            + " more when one delivery fails.");

    public static final ConfigKey<Duration> HANDOFF_RETRY_MIN = ConfigKey.of("handoff.retry-min", "1s",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofMinutes(10)),
            "First wait after a failed delivery to an owner; it doubles on each further failure up to handoff.retry-max."
            + " Shorter hands hints back sooner after a blip, at more futile attempts at a node that is still down.");

    public static final ConfigKey<Duration> HANDOFF_RETRY_MAX = ConfigKey.of("handoff.retry-max", "60s",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofHours(1)),
            "Longest wait between failed deliveries to one owner (at least handoff.retry-min); longer wastes less on an"
            + " owner that stays down, but may leave hints waiting that long after it returns.");

    public static final ConfigKey<Optional<NodeId>> CLUSTER_REPLACE = ConfigKey.of("cluster.replace", "",
            ValueTypes.optionalNodeId(),
            "The id of a dead member this new node replaces (Cassandra's replace_address): it takes that member's tokens,"
            + " streams its ranges from the surviving replicas, then serves them, and the dead member is removed. Empty"
            + " for none. Refused while that member is alive: the new node waits and logs why.");

    public static final ConfigKey<Integer> TRANSFER_RATE = ConfigKey.of("transfer.rate", "64MiB",
            ValueTypes.bytes((int) (64 * Units.KIB), Integer.MAX_VALUE),
            "Most bytes per second this node receives over all the range transfers of a membership change (join, leave,"
            + " remove, replace); higher finishes the change sooner, at more disk and network load beside client traffic.");

    public static final ConfigKey<Integer> TRANSFER_CONCURRENCY = ConfigKey.of("transfer.concurrency", "4",
            ValueTypes.integer(1, 64),
            "How many ranges this node receives at once during a membership change; more overlaps the sources' reads,"
            + " within transfer.rate.");

    public static final ConfigKey<Boolean> ANTI_ENTROPY_ENABLED = ConfigKey.of("anti-entropy.enabled", "true", ValueTypes.bool(),
            "Whether this node starts Merkle-tree exchanges with the replicas it shares ranges with; false saves their"
            + " disk and network load, but writes whose hints were lost or refused then reach a replica only when read.");

    public static final ConfigKey<Duration> ANTI_ENTROPY_INTERVAL = ConfigKey.of("anti-entropy.interval", "10s",
            ValueTypes.duration(Duration.ofMillis(10), Duration.ofHours(24)),
            "Time between the Merkle exchanges this node starts, each with one peer; shorter finds diverged replicas"
            + " sooner, at the cost of hashing ranges and sending trees more often.");

    public static final ConfigKey<Integer> ANTI_ENTROPY_MAX_BYTES_PER_EXCHANGE = ConfigKey.of("anti-entropy.max-bytes-per-exchange",
            "8MiB", ValueTypes.bytes((int) (64 * Units.KIB), (int) Units.GIB),
            "Most key data one exchange streams in each direction; what is left over is repaired by the next exchange."
            + " More repairs a badly diverged replica in fewer exchanges, at bigger bursts of disk and network load.");

    public static final ConfigKey<Duration> ANTI_ENTROPY_TIMEOUT = ConfigKey.of("anti-entropy.timeout", "30s",
            ValueTypes.duration(Duration.ofMillis(10), Duration.ofHours(1)),
            "An exchange not finished by then is abandoned; shorter gives up sooner on a peer that went away mid-exchange,"
            + " but may abandon a large repair that was still making progress.");

    public static final ConfigKey<Engine> STORAGE_ENGINE = ConfigKey.of("storage.engine", "log",
            ValueTypes.lowerCaseEnum(Engine.class),
            "Storage engine for this node's data: log is the durable append-only log under node.data-dir; memory keeps nothing across restarts.");

    public static final ConfigKey<SyncPolicy> STORAGE_SYNC = ConfigKey.of("storage.sync", "always",
            ValueTypes.lowerCaseEnum(SyncPolicy.class),
            "When the log engine fsyncs: always (no write is acknowledged before its fsync; concurrent writers share one),"
            + " interval (every storage.sync-interval; a crash loses up to that much) or never (left to the OS).");

    public static final ConfigKey<Duration> STORAGE_SYNC_INTERVAL = ConfigKey.of("storage.sync-interval", "1s",
            ValueTypes.duration(Duration.ofMillis(1), Duration.ofMinutes(10)),
            "How often the log engine fsyncs under storage.sync: interval.");

    public static final ConfigKey<Duration> STORAGE_SYNC_WINDOW = ConfigKey.of("storage.sync-window", "2ms",
            ValueTypes.duration(Duration.ZERO, Duration.ofMillis(100)),
            "Under storage.sync: always, how long the first write to wait for an fsync waits for others to share it"
            + " (Cassandra's commitlog_sync_group_window): more writes per fsync under load, up to this much more latency"
            + " per write. Waited only when another write came within the last window: a write to a log idle that long"
            + " syncs at once. 0ms always fsyncs at once.");

    public static final ConfigKey<Integer> STORAGE_SEGMENT_SIZE = ConfigKey.of("storage.segment-size", "64MiB",
            ValueTypes.bytes((int) Units.MIB, (int) Units.GIB),
            "Size at which the log engine seals its active segment file and starts a new one; only sealed segments are compacted.");

    /**
     * Why a share of the heap, and why 40%: a fixed 64 MiB cache served 46% of the reads of a
     * 100,000-record YCSB data set (110 MiB per node, issue 16), while the heap had room to spare. The
     * node's other long-lived heap is the keydir (about 100 bytes a key: 10 MiB per 100,000 keys) and
     * the hint index; requests and messages are short-lived. 40% of the default 512 MiB heap holds that
     * data set whole, and leaves G1 more than half the heap for the rest.
     */
    public static final ConfigKey<CacheSize> STORAGE_CACHE_SIZE = ConfigKey.of("storage.cache-size", "40%",
            ValueTypes.cacheSize((int) Units.GIB, 1, 80),
            "The log engine's read cache of key states (kept encoded): a share of the node's maximum heap (40%: about 200 MiB"
                    + " of the default -Xmx512m), or a fixed size such as 64MiB (at most 1 GiB); 0 turns the cache off.");

    /**
     * Why 512 bytes, measured with {@code scripts/kvorum bench-storage} (LZ4 from lz4-java, JSON-like
     * values, 2-core VM): a compress call costs a fixed 3-4 us (its hash table) whatever the size, and
     * below ~512 B it saves under 20% and under 100 B a record (276 B -> 243 B; 404 B -> 326 B), which
     * is not worth that CPU plus a decompress on every uncached read. From 512 B up the gain grows to
     * 20-40% (1044 B -> 760 B; 4116 B -> 2717 B) at 4-14 us, far below the cost of the I/O it saves.
     */
    public static final ConfigKey<Integer> STORAGE_COMPRESSION_THRESHOLD = ConfigKey.of("storage.compression-threshold", "512",
            ValueTypes.bytes(1, VALUE_BYTES_MAX_LIMIT),
            "Records whose payload (a key's whole sibling set) is at least this big are LZ4-compressed, kept only when at least an eighth smaller; after a record that does not shrink, up to 64 further records skip the attempt.");

    public static final ConfigKey<Integer> STORAGE_COMPACTION_RATE = ConfigKey.of("storage.compaction-rate", "32MiB",
            ValueTypes.bytes((int) Units.MIB, (int) Units.GIB),
            "Most bytes per second that background compaction reads from sealed segments.");

    public static final ConfigKey<Integer> STORAGE_COMPACTION_TRIGGER = ConfigKey.of("storage.compaction-trigger", "50",
            ValueTypes.integer(1, 100),
            "Percent of a sealed segment's bytes that must be dead (overwritten or deleted) before compaction rewrites it.");

    public static final ConfigKey<Duration> STORAGE_TOMBSTONE_GRACE = ConfigKey.of("storage.tombstone-grace", "240h",
            ValueTypes.duration(Duration.ZERO, Duration.ofDays(365)),
            "How long (default 10 days) a deleted key's tombstones are kept before compaction drops them;"
            + " run repair on every node more often than this, or a stale replica can bring deleted data back.");

    public static final ConfigKey<Integer> STORAGE_SIBLINGS_MAX = ConfigKey.of("storage.siblings-max", "100",
            ValueTypes.integer(1, SIBLINGS_MAX_LIMIT),
            "Most siblings (concurrent versions, tombstones included) a write may leave on a key; a write that would add"
            + " one more is refused with 409 too_many_siblings until a client writes with a context that resolves them."
            + " A warning is logged when a key passes half of it (Riak refuses at 100 too).");

    public static final ConfigKey<Integer> STORAGE_KEY_BYTES_MAX = ConfigKey.derived("storage.key-bytes-max",
            "8MiB, less when quorum.n of it would not fit in internode.frame-bytes-max, never below http.value-bytes-max + 64KiB",
            ValueTypes.bytes((int) (64 * Units.KIB), (int) Units.GIB), ConfigKeys::keyBytesMaxDefault,
            "Most bytes a key's whole state (every sibling's value plus its version history) may take after a write;"
            + " a write that would grow it further is refused with 413 key_too_large. Must hold the largest value"
            + " (http.value-bytes-max + 64KiB), and quorum.n of it must fit in internode.frame-bytes-max + 1MiB.");

    public static final ConfigKey<LoggingConfig.Format> LOGGING_FORMAT = ConfigKey.of("logging.format", "text",
            ValueTypes.lowerCaseEnum(LoggingConfig.Format.class),
            "Format of the node's log file and stderr lines: text for people, or json (one JSON object per line:"
            + " timestamp, level, thread, logger, message, key-value pairs, exception) for log shippers.");

    public static final ConfigKey<Boolean> LOGGING_REQUESTS = ConfigKey.of("logging.requests", "false", ValueTypes.bool(),
            "Whether the node logs one line per HTTP request (method, path, status, duration, client) from start-up;"
            + " PUT /admin/request-log {\"enabled\": true|false} switches it while the node runs.");

    /** Every key, in declaration order; a derived default may read only keys listed before it. */
    private static final List<ConfigKey<?>> ALL = List.of(
            NODE_ID, NODE_DATA_DIR, NODE_SHUTDOWN_TIMEOUT, NODE_OPERATIONS_MAX,
            HTTP_HOST, HTTP_PORT, HTTP_VALUE_BYTES_MAX, HTTP_HEADER_TIMEOUT, HTTP_BODY_TIMEOUT,
            HTTP_CONNECTIONS_MAX, HTTP_REQUESTS_IN_FLIGHT_MAX, HTTP_TLS_CERT_FILE, HTTP_TLS_KEY_FILE, HTTP_TLS_CA_FILE,
            HTTP_AUTH_TOKENS_FILE,
            INTERNODE_HOST, INTERNODE_PORT, INTERNODE_CONNECT_TIMEOUT, INTERNODE_FRAME_BYTES_MAX,
            INTERNODE_IDLE_TIMEOUT, INTERNODE_HANDSHAKE_TIMEOUT, INTERNODE_SEND_QUEUE_BYTES_MAX, INTERNODE_SECRET_FILE,
            INTERNODE_TLS_CERT_FILE, INTERNODE_TLS_KEY_FILE, INTERNODE_TLS_CA_FILE,
            CLUSTER_NAME, CLUSTER_MEMBERS, CLUSTER_SEEDS,
            GOSSIP_INTERVAL, GOSSIP_FANOUT,
            FD_THRESHOLD, FD_ACCEPTABLE_HEARTBEAT_PAUSE, FD_MIN_STD_DEVIATION, FD_MAX_SAMPLE_SIZE,
            FD_FIRST_HEARTBEAT_ESTIMATE, FD_MAX_INTERVAL, FD_MAX_LOCAL_PAUSE,
            RING_VNODES_PER_NODE,
            QUORUM_N, QUORUM_R, QUORUM_W, QUORUM_REQUEST_TIMEOUT, QUORUM_SLOPPY, QUORUM_DIGEST_READS, QUORUM_READ_FANOUT,
            HANDOFF_ENABLED, HANDOFF_MAX_HINTS_PER_OWNER, HANDOFF_RATE, HANDOFF_BATCH_SIZE, HANDOFF_RETRY_MIN, HANDOFF_RETRY_MAX,
            CLUSTER_REPLACE, TRANSFER_RATE, TRANSFER_CONCURRENCY,
            ANTI_ENTROPY_ENABLED, ANTI_ENTROPY_INTERVAL, ANTI_ENTROPY_MAX_BYTES_PER_EXCHANGE, ANTI_ENTROPY_TIMEOUT,
            STORAGE_ENGINE, STORAGE_SYNC, STORAGE_SYNC_INTERVAL, STORAGE_SYNC_WINDOW, STORAGE_SEGMENT_SIZE, STORAGE_CACHE_SIZE,
            STORAGE_COMPRESSION_THRESHOLD, STORAGE_COMPACTION_RATE, STORAGE_COMPACTION_TRIGGER, STORAGE_TOMBSTONE_GRACE,
            STORAGE_SIBLINGS_MAX, STORAGE_KEY_BYTES_MAX,
            LOGGING_FORMAT, LOGGING_REQUESTS);

    private ConfigKeys() {}

    /** Every key, in the order the reference lists them and the loader resolves them. */
    public static List<ConfigKey<?>> all() {
        return ALL;
    }

    /** The key with this dotted name, if there is one. */
    public static Optional<ConfigKey<?>> byName(String name) {
        return ALL.stream().filter(key -> key.name().equals(name)).findFirst();
    }

    /** The smallest frame that fits the largest value (see {@link #FRAME_VALUES_MIN}). */
    static long frameBytesMin(int valueBytesMax) {
        return (long) valueBytesMax * FRAME_VALUES_MIN + FRAME_OVERHEAD_BYTES;
    }

    /** See {@link #STORAGE_KEY_BYTES_MAX}'s default text; {@code KvorumConfig} checks the result against the frame. */
    private static int keyBytesMaxDefault(ConfigKey.Lookup lookup) {
        long fitsFrame = ((long) lookup.get(INTERNODE_FRAME_BYTES_MAX) - FRAME_OVERHEAD_BYTES) / lookup.get(QUORUM_N);
        long fitsValue = (long) lookup.get(HTTP_VALUE_BYTES_MAX) + KEY_HISTORY_BYTES;
        return (int) Math.min(Units.GIB, Math.max(fitsValue, Math.min(KEY_BYTES_MAX_DEFAULT, fitsFrame)));
    }

    private static List<MemberAddress> selfAsOnlyMember(ConfigKey.Lookup lookup) {
        return List.of(new MemberAddress(
                lookup.get(NODE_ID),
                new HostPort(lookup.get(INTERNODE_HOST), lookup.get(INTERNODE_PORT)),
                new HostPort(lookup.get(HTTP_HOST), lookup.get(HTTP_PORT))));
    }

    /**
     * The known key a misspelt {@code name} most likely meant: the nearest by edit distance (a swap of
     * two neighbouring letters counts once) within about a quarter of its length, else the one key
     * whose last segment it is (a top-level {@code vnodes-per-node} meant {@code ring.vnodes-per-node}).
     */
    static Optional<ConfigKey<?>> closest(String name) {
        String wanted = name.toLowerCase(Locale.ROOT).replace('_', '-');
        int distanceMax = Math.max(2, wanted.length() / 4);
        ConfigKey<?> best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey<?> key : ALL) {
            int distance = editDistance(wanted, key.name());
            if (distance < bestDistance) {
                best = key;
                bestDistance = distance;
            }
        }
        if (best != null && bestDistance <= distanceMax) {
            return Optional.of(best);
        }
        List<ConfigKey<?>> bySuffix = ALL.stream().filter(key -> key.name().endsWith("." + wanted)).toList();
        return bySuffix.size() == 1 ? Optional.of(bySuffix.get(0)) : Optional.empty();
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
