package io.kvorum.node.runtime;

import com.codahale.metrics.MetricRegistry;
import io.kvorum.common.NodeId;
import io.kvorum.config.KvorumConfig;
import io.kvorum.config.MemberAddress;
import io.kvorum.http.HttpApi;
import io.kvorum.http.HttpApiSettings;
import io.kvorum.node.core.NodeCore;
import io.kvorum.node.core.NodeCoreSettings;
import io.kvorum.node.membership.Membership;
import io.kvorum.node.membership.StaticMembership;
import io.kvorum.ring.Murmur3Partitioner;
import io.kvorum.ring.Partitioner;
import io.kvorum.ring.Ring;
import io.kvorum.storage.engine.MemoryEngine;
import io.kvorum.storage.engine.StorageEngine;
import io.kvorum.storage.version.Actor;
import io.kvorum.storage.version.Siblings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
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
    private final StorageEngine engine;
    private final CoreVerticle core;
    private final HttpApi http;

    private NodeServer(KvorumConfig config, Vertx vertx, StorageEngine engine, CoreVerticle core, HttpApi http) {
        this.config = config;
        this.vertx = vertx;
        this.engine = engine;
        this.core = core;
        this.http = http;
    }

    /** Starts a node; the future fails with a one-line reason (port taken, data directory unusable). */
    public static Future<NodeServer> start(KvorumConfig config) {
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
        StorageEngine engine = new MemoryEngine(partitioner::token);
        MetricRegistry metrics = new MetricRegistry();
        Membership membership = staticMembership(config);
        Vertx vertx = Vertx.vertx();
        CoreVerticle core = new CoreVerticle(config, new Actor(config.node().id(), epoch), membership, partitioner, engine, metrics);
        return vertx.deployVerticle(core)
                .recover(e -> Future.failedFuture("cannot listen on " + config.internode().host() + ":" + config.internode().port()
                        + " (internode.port): " + e.getMessage()))
                .compose(deployed -> {
                    HttpApi http = new HttpApi(vertx, httpSettings(config), core.service());
                    return http.start()
                            .recover(e -> Future.failedFuture("cannot listen on " + config.http().host() + ":" + config.http().port()
                                    + " (http.port): " + e.getMessage()))
                            .map(port -> new NodeServer(config, vertx, engine, core, http));
                })
                .onFailure(e -> vertx.close())
                .onSuccess(server -> log.info("{} (actor epoch {}) serving HTTP on {}:{} and peers on {}:{}", config.node().id(),
                        epoch, config.http().host(), server.httpPort(), config.internode().host(), server.internodePort()));
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
    public Future<Void> stop() {
        log.info("{} shutting down", id());
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
                    engine.close();
                    return vertx.close();
                })
                .onComplete(done -> log.info("{} stopped", id()));
    }

    /** Stops at once without draining: what a crash looks like to peers (for tests). */
    public Future<Void> kill() {
        return vertx.close().onComplete(done -> engine.close());
    }

    private static Membership staticMembership(KvorumConfig config) {
        List<NodeId> joinOrder = new ArrayList<>();
        List<Membership.Member> members = new ArrayList<>();
        for (MemberAddress m : config.cluster().members()) {
            joinOrder.add(m.id());
            members.add(new Membership.Member(m.id(), m.internode().toString(), m.http().toString(),
                    Membership.Status.UP, OptionalDouble.empty()));
        }
        return new StaticMembership(members, Ring.allocate(joinOrder, config.ring().vnodesPerNode()));
    }

    private static HttpApiSettings httpSettings(KvorumConfig config) {
        return HttpApiSettings.defaults(config.http().host(), config.http().port())
                .withValueBytesMax(config.http().valueBytesMax())
                .withTimeouts(config.quorum().requestTimeout().toMillis(), HttpApiSettings.SERVICE_GRACE_MILLIS_DEFAULT)
                .withServerInstances(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /** Owns the node's event-loop context: the core, its loop and the transport live and run there. */
    private static final class CoreVerticle extends VerticleBase {
        private final KvorumConfig config;
        private final Actor actor;
        private final Membership membership;
        private final Partitioner partitioner;
        private final StorageEngine engine;
        private final MetricRegistry metrics;
        private NodeLoop loop;
        private VertxTransport transport;
        private NodeKvService service;

        CoreVerticle(KvorumConfig config, Actor actor, Membership membership, Partitioner partitioner,
                     StorageEngine engine, MetricRegistry metrics) {
            this.config = config;
            this.actor = actor;
            this.membership = membership;
            this.partitioner = partitioner;
            this.engine = engine;
            this.metrics = metrics;
        }

        @Override
        public Future<?> start() {
            NodeId self = config.node().id();
            NodeCore nodeCore = new NodeCore(new NodeCoreSettings(self, actor, config.quorum().n(), Siblings.DEFAULT_MAX_ACTORS),
                    membership, partitioner::token, new RuntimeMetrics(metrics));
            SystemClock clock = new SystemClock();
            loop = new NodeLoop(vertx, context, nodeCore, clock, engine, null);
            Map<NodeId, SocketAddress> peers = new TreeMap<>();
            for (MemberAddress m : config.cluster().members()) {
                peers.put(m.id(), SocketAddress.inetSocketAddress(m.internode().port(), m.internode().host()));
            }
            transport = new VertxTransport(vertx, new VertxTransport.Settings(self, peers, config.internode().frameBytesMax(),
                    config.http().valueBytesMax(), (int) config.internode().connectTimeout().toMillis()),
                    loop::submit, clock::monotonicMillis);
            loop.attach(transport);
            service = new NodeKvService(self, new NodeKvService.Defaults(config.quorum().n(), config.quorum().r(),
                    config.quorum().w(), config.quorum().requestTimeout().toMillis(), config.ring().vnodesPerNode()),
                    loop, membership, partitioner::token, metrics);
            return transport.listen(config.internode().host(), config.internode().port());
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

        Future<Void> closeTransport() {
            Promise<Void> closed = Promise.promise();
            context.runOnContext(v -> transport.close().onComplete(closed));
            return closed.future();
        }
    }
}
