package io.kvorum.node.runtime;

import io.kvorum.common.ByteReader;
import io.kvorum.common.NodeId;
import io.kvorum.config.InternodeTls;
import io.kvorum.node.auth.AuthenticationException;
import io.kvorum.node.auth.FrameMac;
import io.kvorum.node.auth.Handshake;
import io.kvorum.node.auth.PreAuthReader;
import io.kvorum.node.core.Input;
import io.kvorum.node.core.Transport;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessageCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internode messages over TCP: one outbound connection per peer, opened on first use. Every
 * connection starts with the mutual {@link Handshake} (both ends prove they hold the cluster secret);
 * nothing else is parsed before it succeeds, the bytes a stranger can make the node hold are bounded
 * by {@link PreAuthReader}, and the first bad byte closes the connection. Then each frame is a 4-byte
 * big-endian length and a {@link PeerMessageCodec} payload followed by its {@link FrameMac} (left out
 * when mutual TLS protects the connection). Inbound frames are attributed to the node the handshake
 * authenticated, never to an address.
 *
 * <p>Failure behaviour: a message that cannot be delivered (refused connection, failed handshake,
 * full queue, peer in connect back-off) is handed back as {@link Input.SendFailed} at once, which
 * lets coordinators count the replica as failed instead of waiting for the deadline. Messages
 * already written to a socket that later breaks are lost silently; the requests they belong to time
 * out. Idle connections close after {@code internode.idle-timeout}; bytes waiting for one peer are
 * bounded by {@code internode.send-queue-bytes-max}. Runs entirely on the owning node's event loop;
 * no locks.
 */
final class VertxTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(VertxTransport.class);
    /** Bound on messages queued while a connection is being opened. */
    private static final int CONNECT_QUEUE_MAX = 10_000;
    private static final long BACKOFF_MIN_MILLIS = 100;
    private static final long BACKOFF_MAX_MILLIS = 2_000;
    private static final long REJECTION_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Vertx vertx;
    private final Settings settings;
    private final NodeId self;
    private final Function<NodeId, Optional<SocketAddress>> addresses;
    private final PeerMessageCodec codec;
    private final Consumer<Input> inbound;
    private final LongSupplier monotonicMillis;
    private final Map<NodeId, Outbound> outbound = new HashMap<>();
    private final NetClient client;
    private final SecureRandom nonces = new SecureRandom();
    private final LogLimiter rejections = new LogLimiter(REJECTION_LOG_INTERVAL_NANOS, 5);
    private NetServer server;
    /**
     * Set by {@link #close()}: from then on nothing re-enters the core. A handshake timer or a
     * closing socket could otherwise hand back a send failure while the node shuts down, and the core
     * would act on it (a hint write) after its storage closed.
     */
    private boolean closed;
    /** The last message encoded and its bytes: a write goes to N-1 replicas as one message, encoded once. */
    private PeerMessage lastEncoded;
    private byte[] lastPayload;

    /** The state of the connection to one peer. */
    private static final class Outbound {
        /** Set once the handshake succeeded; only then are messages written. */
        NetSocket socket;
        /** This direction's frame MAC; null under mutual TLS. */
        FrameMac mac;
        final ArrayDeque<PeerMessage> queue = new ArrayDeque<>();
        boolean connecting;
        long retryAtMillis;
        long backoffMillis = BACKOFF_MIN_MILLIS;
    }

    /**
     * How the transport behaves. {@code rejected} is told of every connection closed for failing
     * authentication or sending a bad byte (a metric); {@code received} of every message delivered,
     * with its frame's bytes on the wire (length prefix and MAC included; metrics).
     */
    record Settings(NodeId self, int frameBytesMax, int valueBytesMax, int connectTimeoutMillis, Handshake handshake,
                    Optional<InternodeTls> tls, long idleTimeoutMillis, long handshakeTimeoutMillis, int sendQueueBytesMax,
                    Runnable rejected, ReceivedBytes received) {}

    /** Told of each message received and its frame's bytes (called on the transport's context). */
    @FunctionalInterface
    interface ReceivedBytes {
        void received(PeerMessage message, int frameBytes);
    }

    /** @param addresses where each peer listens, as the node's membership knows now (called on the owning context) */
    VertxTransport(Vertx vertx, Settings settings, Function<NodeId, Optional<SocketAddress>> addresses,
                   Consumer<Input> inbound, LongSupplier monotonicMillis) {
        this.vertx = vertx;
        this.settings = settings;
        this.self = settings.self();
        this.addresses = addresses;
        this.codec = new PeerMessageCodec(settings.valueBytesMax());
        this.inbound = inbound;
        this.monotonicMillis = monotonicMillis;
        NetClientOptions options = new NetClientOptions()
                .setConnectTimeout(settings.connectTimeoutMillis())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setIdleTimeout((int) settings.idleTimeoutMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        settings.tls().ifPresent(tls -> InternodeTlsOptions.client(options, tls));
        this.client = vertx.createNetClient(options);
    }

    /** Starts listening for peers. Call on the owning context. */
    Future<NetServer> listen(String host, int port) {
        NetServerOptions options = new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true)
                .setIdleTimeout((int) settings.idleTimeoutMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        settings.tls().ifPresent(tls -> InternodeTlsOptions.server(options, tls));
        return vertx.createNetServer(options)
                .connectHandler(this::accept)
                .listen(port, host)
                .onSuccess(s -> server = s);
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void send(NodeId to, PeerMessage message) {
        Outbound peer = outbound.computeIfAbsent(to, id -> new Outbound());
        if (peer.socket != null) {
            if (peer.socket.writeQueueFull()) {
                inbound.accept(new Input.SendFailed(to, message)); // internode.send-queue-bytes-max reached
            } else {
                writeFrame(peer, encode(message));
            }
        } else if (peer.connecting) {
            if (peer.queue.size() < CONNECT_QUEUE_MAX) {
                peer.queue.add(message);
            } else {
                inbound.accept(new Input.SendFailed(to, message));
            }
        } else if (monotonicMillis.getAsLong() < peer.retryAtMillis) {
            inbound.accept(new Input.SendFailed(to, message));
        } else {
            Optional<SocketAddress> address = addresses.apply(to);
            if (address.isEmpty()) {
                inbound.accept(new Input.SendFailed(to, message));
                return;
            }
            peer.queue.add(message);
            connect(to, address.get(), peer);
        }
    }

    @Override
    public void disconnect(NodeId peer) {
        Outbound connection = outbound.remove(peer);
        if (connection != null && connection.socket != null) {
            log.info("dropping the connection to suspected {}", peer);
            connection.socket.close();
        }
    }

    /** From now on nothing re-enters the core (the node is being killed; its sockets are left to Vert.x). */
    void silence() {
        closed = true;
    }

    Future<Void> close() {
        closed = true;
        outbound.values().forEach(peer -> {
            if (peer.socket != null) {
                peer.socket.close();
            }
        });
        Future<Void> closeClient = client.close();
        return server == null ? closeClient : Future.all(closeClient, server.close()).mapEmpty();
    }

    private void connect(NodeId to, SocketAddress address, Outbound peer) {
        peer.connecting = true;
        client.connect(address).onComplete(result -> {
            if (result.failed()) {
                connectFailed(to, peer, "cannot connect to " + to + " at " + address + ": " + result.cause().getMessage(), false);
                return;
            }
            NetSocket socket = result.result();
            if (outbound.get(to) != peer) {
                socket.close(); // dropped (peer suspected) while connecting
                peer.connecting = false;
                failQueued(to, peer);
                return;
            }
            dial(to, peer, socket);
        });
    }

    /** Runs the dialer's side of the handshake on a fresh connection, then flushes what waited for it. */
    private void dial(NodeId to, Outbound peer, NetSocket socket) {
        Handshake.Dialer dialer = settings.handshake().dialer(self, to, nonce());
        PreAuthReader reader = new PreAuthReader();
        long timer = vertx.setTimer(settings.handshakeTimeoutMillis(), t -> {
            if (peer.socket != socket) {
                socket.close();
                connectFailed(to, peer, "no handshake from " + to + " within " + settings.handshakeTimeoutMillis() + " ms", true);
            }
        });
        socket.closeHandler(ignored -> {
            vertx.cancelTimer(timer);
            if (peer.socket == socket) {
                peer.socket = null;
                peer.mac = null;
            } else if (peer.connecting) {
                connectFailed(to, peer, "connection to " + to + " closed during the handshake", true);
            }
        });
        socket.exceptionHandler(e -> log.debug("connection to {} failed: {}", to, e.getMessage()));
        socket.handler(buffer -> {
            if (peer.socket == socket) {
                socket.close(); // a listener never writes after the handshake
                return;
            }
            try {
                PreAuthReader.Result read = reader.feed(buffer.getBytes(), 1);
                if (read.messages().isEmpty()) {
                    return;
                }
                Handshake.Established established = dialer.onChallenge(read.messages().get(0));
                checkCertificate(socket, to);
                vertx.cancelTimer(timer);
                socket.write(Buffer.buffer(established.proof()));
                established(to, peer, socket, established.session());
            } catch (AuthenticationException | ByteReader.MalformedException e) {
                socket.close();
                rejected("connection to " + socket.remoteAddress() + " (meant for " + to + ")", e.getMessage());
                connectFailed(to, peer, "handshake with " + to + " failed", true);
            }
        });
        socket.write(Buffer.buffer(dialer.hello()));
    }

    private void established(NodeId to, Outbound peer, NetSocket socket, Handshake.Session session) {
        peer.connecting = false;
        if (outbound.get(to) != peer) {
            socket.close(); // dropped (peer suspected) during the handshake
            failQueued(to, peer);
            return;
        }
        peer.socket = socket;
        peer.mac = settings.tls().isPresent() ? null : session.sending();
        peer.backoffMillis = BACKOFF_MIN_MILLIS;
        socket.setWriteQueueMaxSize(settings.sendQueueBytesMax());
        consolidateFlushes(socket);
        while (!peer.queue.isEmpty()) {
            writeFrame(peer, encode(peer.queue.poll()));
        }
    }

    /**
     * Frames to one peer written in the same event-loop turn (replies to a batch of requests that
     * arrived together, a write's and a read's requests) leave in one send instead of one each:
     * Netty's flush consolidation, here also for writes made outside this connection's own reads,
     * which are most of them (requests arrive on the peer's connection, replies leave on ours).
     * Measured on YCSB A (issue 16, alternated runs of one build): event-loop system time 57–61
     * µs per operation against 67–77 without it.
     */
    private static void consolidateFlushes(NetSocket socket) {
        if (socket instanceof NetSocketInternal internal) {
            internal.channelHandlerContext().pipeline().addFirst("kvorum-flush-consolidation",
                    new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        }
    }

    private void connectFailed(NodeId to, Outbound peer, String why, boolean handshake) {
        if (!peer.connecting) {
            return; // already handled (a close after a failed check)
        }
        peer.connecting = false;
        peer.retryAtMillis = monotonicMillis.getAsLong() + peer.backoffMillis;
        peer.backoffMillis = Math.min(BACKOFF_MAX_MILLIS, peer.backoffMillis * 2);
        log.debug("{}{}", why, handshake ? " (handshake)" : "");
        failQueued(to, peer);
    }

    private void failQueued(NodeId to, Outbound peer) {
        if (closed) {
            peer.queue.clear();
            return;
        }
        while (!peer.queue.isEmpty()) {
            inbound.accept(new Input.SendFailed(to, peer.queue.poll()));
        }
    }

    /** The listener's side: handshake first (bounded and strict), then MAC-checked frames from the authenticated peer. */
    private void accept(NetSocket socket) {
        InboundConnection connection = new InboundConnection(socket, settings.handshake().listener(self, nonce()));
        long timer = vertx.setTimer(settings.handshakeTimeoutMillis(), t -> {
            if (connection.session == null && !connection.closed) {
                connection.reject("no handshake within " + settings.handshakeTimeoutMillis() + " ms");
            }
        });
        socket.closeHandler(ignored -> {
            connection.closed = true;
            vertx.cancelTimer(timer);
        });
        socket.exceptionHandler(e -> log.debug("inbound connection from {} failed: {}", socket.remoteAddress(), e.getMessage()));
        socket.handler(connection::receive);
    }

    /** One accepted connection: its handshake, then its frames. Owned by the event loop. */
    private final class InboundConnection {
        private final NetSocket socket;
        private final Handshake.Listener listener;
        private final PreAuthReader reader = new PreAuthReader();
        private final FrameDecoder decoder = new FrameDecoder(settings.frameBytesMax() + FrameMac.MAC_BYTES);
        private boolean helloSeen;
        private Handshake.Session session;
        private boolean closed;

        InboundConnection(NetSocket socket, Handshake.Listener listener) {
            this.socket = socket;
            this.listener = listener;
        }

        void receive(Buffer buffer) {
            if (closed) {
                return;
            }
            try {
                if (session != null) {
                    decoder.feed(buffer, this::deliver);
                    return;
                }
                byte[] rest = buffer.getBytes();
                while (session == null && rest.length > 0) {
                    PreAuthReader.Result read = reader.feed(rest, 1);
                    rest = read.rest();
                    if (read.messages().isEmpty()) {
                        return;
                    }
                    handshakeMessage(read.messages().get(0));
                }
                if (rest.length > 0) {
                    decoder.feed(Buffer.buffer(rest), this::deliver);
                }
            } catch (AuthenticationException | ByteReader.MalformedException e) {
                reject(e.getMessage());
            }
        }

        private void handshakeMessage(byte[] message) {
            if (!helloSeen) {
                helloSeen = true;
                socket.write(Buffer.buffer(listener.onHello(message)));
            } else {
                Handshake.Session authenticated = listener.onProof(message);
                checkCertificate(socket, authenticated.peer());
                session = authenticated;
            }
        }

        private void deliver(byte[] frame) {
            if (VertxTransport.this.closed) {
                return;
            }
            int payloadBytes = settings.tls().isPresent() ? frame.length : session.receiving().check(frame);
            PeerMessage message = codec.decode(frame, payloadBytes);
            settings.received().received(message, Integer.BYTES + frame.length);
            inbound.accept(new Input.PeerReceived(session.peer(), message));
        }

        void reject(String why) {
            closed = true;
            socket.close();
            rejected("connection from " + socket.remoteAddress() + (session == null ? "" : " (" + session.peer() + ")"), why);
        }
    }

    private void checkCertificate(NetSocket socket, NodeId peer) {
        if (settings.tls().isPresent()) {
            InternodeTlsOptions.checkPeer(socket, peer);
        }
    }

    private void rejected(String who, String why) {
        settings.rejected().run();
        // permit: the transport's own rate limit on a line a stranger can trigger at will.
        java.util.OptionalLong held = rejections.admit("rejected", System.nanoTime());
        if (held.isPresent()) {
            log.warn("closing {}: {}{}", who, why, held.getAsLong() > 0 ? " (" + held.getAsLong() + " similar lines held back)" : "");
        }
    }

    private byte[] nonce() {
        byte[] nonce = new byte[Handshake.NONCE_BYTES];
        nonces.nextBytes(nonce);
        return nonce;
    }

    private byte[] encode(PeerMessage message) {
        if (message != lastEncoded) {
            lastPayload = codec.encode(message);
            lastEncoded = message;
        }
        return lastPayload;
    }

    private void writeFrame(Outbound peer, byte[] payload) {
        if (peer.mac == null) {
            peer.socket.write(Buffer.buffer(4 + payload.length).appendInt(payload.length).appendBytes(payload));
            return;
        }
        byte[] mac = peer.mac.sign(payload);
        peer.socket.write(Buffer.buffer(4 + payload.length + mac.length).appendInt(payload.length + mac.length)
                .appendBytes(payload).appendBytes(mac));
    }
}
