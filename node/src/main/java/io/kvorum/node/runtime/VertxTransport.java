package io.kvorum.node.runtime;

import io.kvorum.common.ByteReader;
import io.kvorum.common.ByteWriter;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.Input;
import io.kvorum.node.core.Transport;
import io.kvorum.node.message.PeerMessage;
import io.kvorum.node.message.PeerMessageCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internode messages over TCP: one outbound connection per peer, opened on first use, each frame a
 * 4-byte big-endian length and a {@link PeerMessageCodec} payload. A connection starts with a
 * handshake frame naming the sender, so inbound frames are attributed without trusting addresses.
 *
 * <p>Failure behaviour: a message that cannot be delivered (refused connection, full queue, peer
 * in connect back-off) is handed back as {@link Input.SendFailed} at once, which lets coordinators
 * count the replica as failed instead of waiting for the deadline. Messages already written to a
 * socket that later breaks are lost silently; the requests they belong to time out. Runs entirely
 * on the owning node's event loop; no locks.
 */
final class VertxTransport implements Transport {
    private static final Logger log = LoggerFactory.getLogger(VertxTransport.class);
    private static final int HANDSHAKE_MAGIC = 0x4B56524D; // "KVRM"
    private static final int PROTOCOL_VERSION = 1;
    /** Bound on messages queued while a connection is being opened. */
    private static final int CONNECT_QUEUE_MAX = 10_000;
    private static final long BACKOFF_MIN_MILLIS = 100;
    private static final long BACKOFF_MAX_MILLIS = 2_000;

    private final Vertx vertx;
    private final NodeId self;
    private final Function<NodeId, Optional<SocketAddress>> addresses;
    private final PeerMessageCodec codec;
    private final int frameBytesMax;
    private final Consumer<Input> inbound;
    private final LongSupplier monotonicMillis;
    private final Map<NodeId, Outbound> outbound = new HashMap<>();
    private final NetClient client;
    private NetServer server;
    /** The last message encoded and its bytes: a write goes to N-1 replicas as one message, encoded once. */
    private PeerMessage lastEncoded;
    private byte[] lastPayload;

    /** The state of the connection to one peer. */
    private static final class Outbound {
        NetSocket socket;
        final ArrayDeque<PeerMessage> queue = new ArrayDeque<>();
        boolean connecting;
        long retryAtMillis;
        long backoffMillis = BACKOFF_MIN_MILLIS;
    }

    record Settings(NodeId self, int frameBytesMax, int valueBytesMax, int connectTimeoutMillis) {}

    /** @param addresses where each peer listens, as the node's membership knows now (called on the owning context) */
    VertxTransport(Vertx vertx, Settings settings, Function<NodeId, Optional<SocketAddress>> addresses,
                   Consumer<Input> inbound, LongSupplier monotonicMillis) {
        this.vertx = vertx;
        this.self = settings.self();
        this.addresses = addresses;
        this.codec = new PeerMessageCodec(settings.valueBytesMax());
        this.frameBytesMax = settings.frameBytesMax();
        this.inbound = inbound;
        this.monotonicMillis = monotonicMillis;
        this.client = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout(settings.connectTimeoutMillis())
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true));
    }

    /** Starts listening for peers. Call on the owning context. */
    Future<NetServer> listen(String host, int port) {
        return vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setTcpKeepAlive(true))
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
            writeFrame(peer.socket, encode(message));
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

    Future<Void> close() {
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
            peer.connecting = false;
            if (result.failed()) {
                peer.retryAtMillis = monotonicMillis.getAsLong() + peer.backoffMillis;
                peer.backoffMillis = Math.min(BACKOFF_MAX_MILLIS, peer.backoffMillis * 2);
                log.debug("cannot connect to {} at {}: {}", to, address, result.cause().getMessage());
                failQueued(to, peer);
                return;
            }
            NetSocket socket = result.result();
            if (outbound.get(to) != peer) {
                socket.close(); // dropped (peer suspected) while connecting
                failQueued(to, peer);
                return;
            }
            peer.socket = socket;
            peer.backoffMillis = BACKOFF_MIN_MILLIS;
            socket.closeHandler(ignored -> {
                if (peer.socket == socket) {
                    peer.socket = null;
                }
            });
            socket.exceptionHandler(e -> log.debug("connection to {} failed: {}", to, e.getMessage()));
            socket.handler(ignored -> { }); // peers never write on our outbound connections
            writeFrame(socket, handshake());
            while (!peer.queue.isEmpty()) {
                writeFrame(socket, encode(peer.queue.poll()));
            }
        });
    }

    private void failQueued(NodeId to, Outbound peer) {
        while (!peer.queue.isEmpty()) {
            inbound.accept(new Input.SendFailed(to, peer.queue.poll()));
        }
    }

    private void accept(NetSocket socket) {
        FrameDecoder decoder = new FrameDecoder(frameBytesMax);
        NodeId[] sender = new NodeId[1];
        socket.exceptionHandler(e -> log.debug("inbound connection from {} failed: {}", socket.remoteAddress(), e.getMessage()));
        socket.handler(buffer -> {
            try {
                decoder.feed(buffer, frame -> {
                    if (sender[0] == null) {
                        sender[0] = readHandshake(frame);
                    } else {
                        inbound.accept(new Input.PeerReceived(sender[0], codec.decode(frame)));
                    }
                });
            } catch (ByteReader.MalformedException e) {
                log.warn("closing connection from {} ({}): {}", socket.remoteAddress(), sender[0], e.getMessage());
                socket.close();
            }
        });
    }

    private byte[] encode(PeerMessage message) {
        if (message != lastEncoded) {
            lastPayload = codec.encode(message);
            lastEncoded = message;
        }
        return lastPayload;
    }

    private void writeFrame(NetSocket socket, byte[] payload) {
        Buffer frame = Buffer.buffer(4 + payload.length).appendInt(payload.length).appendBytes(payload);
        socket.write(frame);
    }

    private byte[] handshake() {
        return new ByteWriter().writeInt(HANDSHAKE_MAGIC).writeVarInt(PROTOCOL_VERSION).writeString(self.value()).toByteArray();
    }

    private static NodeId readHandshake(byte[] frame) {
        ByteReader in = new ByteReader(frame);
        if (in.readInt() != HANDSHAKE_MAGIC) {
            throw new ByteReader.MalformedException("not a Kvorum peer (bad handshake)");
        }
        int version = in.readVarInt();
        if (version != PROTOCOL_VERSION) {
            throw new ByteReader.MalformedException("peer speaks protocol " + version + ", this node " + PROTOCOL_VERSION);
        }
        String id = in.readString(64);
        in.expectEnd();
        if (!NodeId.isValid(id)) {
            throw new ByteReader.MalformedException("handshake names an invalid node id");
        }
        return NodeId.of(id);
    }
}
