package io.kvorum.node.runtime;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.NodeId;
import io.kvorum.config.KvorumConfig;
import io.kvorum.config.QuorumConfig;
import io.kvorum.config.ConfigException;
import io.kvorum.config.HostPort;
import io.kvorum.config.InternodeConfig;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.auth.Handshake;
import io.kvorum.http.HttpApi;
import io.kvorum.http.HttpApiSettings;
import io.kvorum.node.core.Input;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.core.Effect;
import io.kvorum.node.core.NodeCoreSettings;
import io.kvorum.node.transfer.TransferProgress;
import io.kvorum.node.transfer.TransferSettings;
import io.kvorum.node.antientropy.AntiEntropySettings;
import io.kvorum.node.handoff.HandoffSettings;
import io.kvorum.config.AntiEntropyConfig;
import io.kvorum.config.HandoffConfig;
import io.kvorum.node.membership.Membership;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Partitioner;
import io.kvorum.storage.engine.LogEngine;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.ContextSigner;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running node: wires configuration into the engine, the ring, the core, the transport and the
 * HTTP API, and shuts them down in order. Built only by {@link Main} and by integration tests (which
 * run several nodes in one JVM, each with its own Vert.x instance).
 */
public final class NodeServer {
    private static final Logger log = LoggerFactory.getLogger(NodeServer.class);

    private final KvorumConfig config;
    private final Vertx vertx;
    private final NodeStorage storage;
    private final CoreVerticle core;
    private final HttpApi http;
    private final Promise<Void> left = Promise.promise();
    private Future<Void> stopped;

    private NodeServer(KvorumConfig config, Vertx vertx, NodeStorage storage, CoreVerticle core, HttpApi http) {
        this.config = config;
        this.vertx = vertx;
        this.storage = storage;
        this.core = core;
        this.http = http;
        // A node that has left the cluster (its ranges have new owners) stops; Main then exits.
        core.left.future().onSuccess(v -> {
            log.info("{} has left the cluster; stopping", id());
            try {
                TokenStore.markLeft(config.node().dataDir());
            } catch (IOException e) {
                log.error("{} could not record that it left; do not restart it on this data directory: {}", id(), e.getMessage());
            }
            stop().onComplete(done -> left.tryComplete());
        });
    }

    /** Completes once this node has left the cluster (after {@code POST /cluster/leave}) and stopped. */
    public Future<Void> whenLeft() {
        return left.future();
    }

    /** Starts a node; the future fails with a one-line reason (port taken, data directory unusable). */
    public static Future<NodeServer> start(KvorumConfig config) {
        warnIfUnauthenticated(config);
        Path dataDir = config.node().dataDir();
        long epoch;
        try {
            Files.createDirectories(dataDir);
            if (!Files.isWritable(dataDir)) {
                return Future.failedFuture("data directory " + dataDir.toAbsolutePath() + " (node.data-dir) is not writable");
            }
            epoch = EpochStore.next(dataDir);
        } catch (IOException | UncheckedIOException e) {
            return Future.failedFuture("data directory " + dataDir.toAbsolutePath() + " (node.data-dir) is unusable: " + e.getMessage());
        }
        Partitioner partitioner = Murmur3Partitioner.INSTANCE;
        NodeStorage storage;
        try {
            storage = NodeStorage.open(config, partitioner);
        } catch (UncheckedIOException e) {
            return Future.failedFuture("storage under " + dataDir.toAbsolutePath() + " (node.data-dir) is unusable: " + e.getMessage());
        }
        StorageEngine engine = storage.engine();
        MetricRegistry metrics = new MetricRegistry();
        if (engine instanceof LogEngine logEngine) {
            RuntimeMetrics.registerStorage(metrics, logEngine::stats);
        } else {
            RuntimeMetrics.registerKeys(metrics, engine::size);
        }
        Membership membership;
        try {
            membership = MembershipFactory.create(config, epoch, partitioner);
        } catch (IOException e) {
            storage.close();
            return Future.failedFuture("membership state under " + dataDir.toAbsolutePath() + " (node.data-dir) is unusable: " + e.getMessage());
        }
        // As many event loops as HTTP servers: the core's context then shares a thread with one of
        // them, so on a small machine (one server) a request never crosses threads between parsing
        // and the core (on 2 cores: single-node reads from 0.63 to 0.82 of the benchmark ceiling).
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(httpServerInstances()));
        FatalErrors fatalErrors = FatalErrors.halting();
        // Vert.x hands every throwable escaping a handler on an event loop here (it would only log it).
        vertx.exceptionHandler(error -> fatalErrors.handle(Thread.currentThread().getName(), error));
        CoreVerticle core = new CoreVerticle(config, new Actor(config.node().id(), epoch), membership, partitioner, storage, metrics);
        return vertx.deployVerticle(core)
                .recover(e -> Future.failedFuture("cannot listen on " + config.internode().host() + ":" + config.internode().port()
                        + " (internode.port): " + e.getMessage()))
                .compose(deployed -> {
                    HttpApi http = new HttpApi(vertx, httpSettings(config), core.service());
                    http.logRequests(config.logging().requests());
                    return http.start()
                            // A security file's problem names its own key; anything else is the listen failing.
                            .recover(e -> e instanceof ConfigException ? Future.failedFuture(e) : Future.failedFuture("cannot listen on " + config.http().host() + ":" + config.http().port()
                                    + " (http.port): " + e.getMessage()))
                            .map(port -> new NodeServer(config, vertx, storage, core, http));
                })
                .onFailure(e -> vertx.close().onComplete(closed -> storage.close()))
                .onSuccess(server -> log.info("{} (actor epoch {}) serving HTTP on {}:{} and peers on {}:{}", config.node().id(),
                        epoch, config.http().host(), server.httpPort(), config.internode().host(), server.internodePort()));
    }

    /**
     * A node without a cluster secret (allowed only on loopback) accepts any local process as a
     * peer and signs no contexts: say so loudly, once, at start-up.
     */
    private static void warnIfUnauthenticated(KvorumConfig config) {
        if (config.internode().secret().isEmpty()) {
            log.warn("SECURITY: {} runs WITHOUT internode authentication (no internode.secret-file): any process on this"
                    + " machine can act as a peer and forge client contexts. Allowed only because internode.host {} is"
                    + " loopback; scripts/kvorum up gives every node a secret.", config.node().id(), config.internode().host());
        }
    }

    public int httpPort() {
        return http.port();
    }

    public int internodePort() {
        return core.internodePort();
    }

    public NodeId id() {
        return config.node().id();
    }

    /**
     * Stops cleanly: new requests get 503, in-flight ones may finish within node.shutdown-timeout,
     * then the HTTP server, the transport and the engine close.
     */
    public synchronized Future<Void> stop() {
        if (stopped == null) {
            stopped = stopOnce();
        }
        return stopped;
    }

    private Future<Void> stopOnce() {
        log.info("{} shutting down", id());
        core.announceShutdown();
        http.drain();
        Promise<Void> drained = Promise.promise();
        long deadline = System.nanoTime() + config.node().shutdownTimeout().toNanos();
        vertx.setPeriodic(1, 20, timer -> core.inFlight().onSuccess(count -> {
            if (count == 0 || System.nanoTime() > deadline) {
                vertx.cancelTimer(timer);
                drained.tryComplete();
            }
        }));
        return drained.future()
                .compose(v -> http.close())
                .compose(v -> core.closeTransport())
                .eventually(() -> {
                    storage.close();
                    return vertx.close();
                })
                .onComplete(done -> log.info("{} stopped", id()));
    }

    /** Stops at once without draining: what a crash looks like to peers (for tests). */
    public Future<Void> kill() {
        // The transport first stops handing the core anything: the sockets that vertx.close() breaks
        // would otherwise fail pending sends into a core whose storage workers are going away.
        return core.silenceTransport().eventually(vertx::close).onComplete(done -> storage.close());
    }

    /** Where a peer listens; a gossiped address that does not parse fails the send, not the node. */
    /** The core's events in this node's log; free space is read from the data directory's file system when a failure is logged. */
    private static EventLog eventLog(KvorumConfig config, NodeStorage storage) {
        Logger events = LoggerFactory.getLogger("kvorum.events");
        Path dataDir = config.node().dataDir();
        EventLog.Sink sink = new EventLog.Sink() {
            @Override
            public void info(String line) {
                events.info(line);
            }

            @Override
            public void error(String line) {
                events.error(line);
            }
        };
        return new EventLog(sink, System::nanoTime, dataDir, () -> usableBytes(dataDir), owner -> storage.hints().count(owner));
    }

    private static long usableBytes(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Optional<SocketAddress> socketAddress(String hostPort) {
        try {
            HostPort address = HostPort.parse(hostPort);
            return Optional.of(SocketAddress.inetSocketAddress(address.port(), address.host()));
        } catch (ConfigException e) {
            log.warn("peer address '{}' is not host:port; not connecting", hostPort);
            return Optional.empty();
        }
    }

    /** Tokens a joining node took must survive a restart; failing to store them is logged, and the node goes on. */
    private static void persistTokens(KvorumConfig config, Effect.PersistTokens persist) {
        try {
            TokenStore.save(config.node().dataDir(), persist.tokens(), persist.joined());
            log.info(persist.joined() ? "{} owns its {} tokens" : "{} is joining with {} tokens; its ranges stream in",
                    config.node().id(), persist.tokens().size());
        } catch (IOException e) {
            log.error("{} could not store its tokens; a restart would take new ones: {}", config.node().id(), e.getMessage());
        }
    }

    /**
     * Transfer progress lets a restart resume; failing to store it costs only a restart from an older
     * cursor. Written on a worker, never on the event loop (an fsync per batch blocked it for seconds
     * on a loaded machine), and only the newest progress: a write still waiting is replaced.
     */
    private static final class TransferProgressWriter {
        private final KvorumConfig config;
        private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "kvorum-transfer-progress");
            thread.setDaemon(true);
            return thread;
        });
        private final java.util.concurrent.atomic.AtomicReference<TransferProgress> latest = new java.util.concurrent.atomic.AtomicReference<>();

        TransferProgressWriter(KvorumConfig config) {
            this.config = config;
        }

        void accept(TransferProgress progress) {
            if (latest.getAndSet(progress) == null) {
                writer.execute(this::writeLatest);
            }
        }

        private void writeLatest() {
            TransferProgress progress = latest.getAndSet(null);
            if (progress == null) {
                return;
            }
            try {
                TransferStore.save(config.node().dataDir(), progress);
            } catch (IOException e) {
                log.warn("{} could not store its transfer progress; a restart would stream more again: {}",
                        config.node().id(), e.getMessage());
            }
        }
    }

    private static HttpApiSettings httpSettings(KvorumConfig config) {
        return HttpApiSettings.defaults(config.http().host(), config.http().port())
                .withValueBytesMax(config.http().valueBytesMax())
                .withTimeouts(config.quorum().requestTimeout().toMillis(), HttpApiSettings.SERVICE_GRACE_MILLIS_DEFAULT)
                .withServerInstances(httpServerInstances())
                .withLimits(config.http().limits())
                .withSecurity(config.http().security());
    }

    /** Half the cores: the other half is left to storage workers, fsyncs and the operating system. */
    private static int httpServerInstances() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    /** Owns the node's event-loop context: the core, its loop and the transport live and run there. */
    private static final class CoreVerticle extends VerticleBase {
        private final KvorumConfig config;
        private final Actor actor;
        private final Membership membership;
        private final Partitioner partitioner;
        private final NodeStorage storage;
        private final MetricRegistry metrics;
        private final Promise<Void> left = Promise.promise();
        private NodeLoop loop;
        private VertxTransport transport;
        private NodeKvService service;
        private NodeCore nodeCore;

        CoreVerticle(KvorumConfig config, Actor actor, Membership membership, Partitioner partitioner,
                     NodeStorage storage, MetricRegistry metrics) {
            this.config = config;
            this.actor = actor;
            this.membership = membership;
            this.partitioner = partitioner;
            this.storage = storage;
            this.metrics = metrics;
        }

        @Override
        public Future<?> start() {
            NodeId self = config.node().id();
            RuntimeMetrics runtimeMetrics = new RuntimeMetrics(metrics, storage.hints(), eventLog(config, storage));
            KeyLimits keyLimits = new KeyLimits(config.storage().siblingsMax(), config.storage().keyBytesMax());
            NodeCore nodeCore = new NodeCore(new NodeCoreSettings(self, actor, config.quorum().n(), Siblings.DEFAULT_MAX_ACTORS,
                    keyLimits, handoffSettings(config.handoff()), antiEntropySettings(config.antiEntropy()),
                    config.node().operationsMax(), transferSettings(config), config.quorum().digestReads(),
                    config.quorum().readFanout() == QuorumConfig.ReadFanout.ALL), membership, partitioner::token,
                    runtimeMetrics,
                    loadTransfers(config));
            this.nodeCore = nodeCore;
            SystemClock clock = new SystemClock();
            loop = new NodeLoop(vertx, context, nodeCore, clock, new LocalStorage(storage.engine(), storage.hints(), partitioner::token),
                    storage.workers(vertx), new NodeLoop.Sinks(persist -> persistTokens(config, persist),
                            new TransferProgressWriter(config)::accept, () -> left.tryComplete()),
                    new NodeLoop.Limits(self, config.node().operationsMax(), CoreFailures.halting(metrics)));
            // The transport runs on this context too, so it may read the core's membership directly.
            transport = new VertxTransport(vertx, transportSettings(config, metrics),
                    id -> membership.internodeAddress(id).flatMap(NodeServer::socketAddress), loop::submit, clock::monotonicMillis);
            loop.attach(transport);
            service = new NodeKvService(self, new NodeKvService.Defaults(config.quorum().n(), config.quorum().r(),
                    config.quorum().w(), config.quorum().sloppy(), config.quorum().requestTimeout().toMillis(),
                    config.ring().vnodesPerNode(), Murmur3Partitioner.NAME),
                    loop, membership, partitioner::token, metrics,
                    new NodeStatusSource(self, membership, storage.engine()::size, storage.hints(), runtimeMetrics, clock,
                            config.antiEntropy().enabled()),
                    new NodeKvService.Contexts(config.internode().secret().map(ContextSigner::signed).orElseGet(ContextSigner::unsigned),
                            runtimeMetrics::contextRejected), nodeCore::transfers);
            return transport.listen(config.internode().host(), config.internode().port())
                    .onSuccess(server -> loop.startTicking(config.gossip().interval().toMillis()));
        }

        private static TransferSettings transferSettings(KvorumConfig config) {
            TransferSettings defaults = TransferSettings.defaults();
            long settleMillis = Math.max(defaults.settleMillis(), config.quorum().requestTimeout().toMillis());
            return new TransferSettings(config.transfer().rateBytesPerSecond(), config.transfer().concurrency(),
                    Math.min(defaults.batchBytes(), Math.max(64 * 1024, config.transfer().rateBytesPerSecond() / 4)),
                    settleMillis, defaults.requestTimeoutMillis(), defaults.cleanupDelayMillis());
        }

        private static Optional<TransferProgress> loadTransfers(KvorumConfig config) {
            try {
                return TransferStore.load(config.node().dataDir());
            } catch (IOException e) {
                log.warn("{}: stored transfer progress is unreadable, so transfers start over: {}", config.node().id(), e.getMessage());
                return Optional.empty();
            }
        }

        private static VertxTransport.Settings transportSettings(KvorumConfig config, MetricRegistry metrics) {
            InternodeConfig internode = config.internode();
            Counter rejected = metrics.counter("internode.rejected-connections");
            return new VertxTransport.Settings(config.node().id(), internode.frameBytesMax(), config.http().valueBytesMax(),
                    (int) internode.connectTimeoutMillis(), new Handshake(internode.secret(), config.cluster().name()),
                    internode.tls(), internode.idleTimeout().toMillis(), internode.handshakeTimeout().toMillis(),
                    internode.sendQueueBytesMax(), rejected::inc, readBytesCounter(metrics));
        }

        /**
         * Counts the internode bytes of reads this node receives: {@code kv.read-bytes-received} for the
         * replica read requests and their state and digest responses, {@code kv.read-repair-bytes-received}
         * for read repairs. Summed over the nodes and divided by the reads, they give a read's wire cost.
         */
        private static VertxTransport.ReceivedBytes readBytesCounter(MetricRegistry metrics) {
            Counter readBytes = metrics.counter("kv.read-bytes-received");
            Counter repairBytes = metrics.counter("kv.read-repair-bytes-received");
            return (message, frameBytes) -> {
                if (message instanceof PeerMessage.ReplicaGetRequest || message instanceof PeerMessage.ReplicaGetResponse
                        || message instanceof PeerMessage.ReplicaDigestResponse) {
                    readBytes.inc(frameBytes);
                } else if (message instanceof PeerMessage.ReadRepair) {
                    repairBytes.inc(frameBytes);
                }
            };
        }

        private static HandoffSettings handoffSettings(HandoffConfig handoff) {
            return new HandoffSettings(handoff.enabled(), handoff.hintsPerSecond(), handoff.batchSize(),
                    HandoffSettings.BATCH_BYTES_MAX, HandoffSettings.TIMEOUT_MILLIS, handoff.retryMinMillis(), handoff.retryMaxMillis());
        }

        private static AntiEntropySettings antiEntropySettings(AntiEntropyConfig antiEntropy) {
            return new AntiEntropySettings(antiEntropy.enabled(), antiEntropy.intervalMillis(), antiEntropy.maxBytesPerExchange(),
                    antiEntropy.timeoutMillis());
        }

        void announceShutdown() {
            loop.submit(new Input.ShuttingDown());
        }

        NodeKvService service() {
            return service;
        }

        int internodePort() {
            return transport.port();
        }

        Future<Integer> inFlight() {
            Promise<Integer> count = Promise.promise();
            context.runOnContext(v -> count.complete(loop.clientRequestsInFlight()));
            return count.future();
        }

        Future<Void> silenceTransport() {
            Promise<Void> silenced = Promise.promise();
            context.runOnContext(v -> {
                transport.silence();
                silenced.complete();
            });
            return silenced.future();
        }

        Future<Void> closeTransport() {
            Promise<Void> closed = Promise.promise();
            context.runOnContext(v -> transport.close().onComplete(closed));
            return closed.future();
        }
    }
}
