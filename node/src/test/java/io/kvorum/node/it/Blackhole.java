package io.kvorum.node.it;

import io.kvorum.common.NodeId;
import io.kvorum.node.auth.Handshake;
import io.kvorum.node.auth.PreAuthReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A peer that accepts internode connections and reads every byte sent to it, but never answers:
 * what a hung or partitioned-away replica looks like. Counting the bytes shows when a coordinator
 * has reached out to it, so a test knows its request is in flight without sleeping. It does answer
 * the internode handshake as the member it stands in for (it holds the cluster secret): a member
 * that hangs after connecting, as a real one would, so that requests reach it and then wait.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong bytesReceived = new AtomicLong();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private final Handshake handshake;
    private final NodeId self;

    /** Stands in for member {@code self} of the cluster whose secret is {@code secretFile}. */
    Blackhole(int port, java.nio.file.Path secretFile, String self) {
        this.handshake = new Handshake(java.util.Optional.of(io.kvorum.config.ClusterSecret.read(secretFile)), "kvorum");
        this.self = NodeId.of(self);
        try {
            server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
        Thread.ofVirtual().name("blackhole-" + port).start(this::acceptLoop);
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                Thread.ofVirtual().start(() -> drain(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void drain(Socket socket) {
        byte[] buffer = new byte[8192];
        try (InputStream in = socket.getInputStream()) {
            answerHandshake(socket, in);
            int read;
            while ((read = in.read(buffer)) >= 0) {
                bytesReceived.addAndGet(read);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Plays the listener's part of the handshake (without checking the proof: it only needs to be believed). */
    private void answerHandshake(Socket socket, InputStream in) throws IOException {
        byte[] nonce = new byte[Handshake.NONCE_BYTES];
        new java.util.SplittableRandom(socket.getPort()).nextBytes(nonce);
        Handshake.Listener listener = handshake.listener(self, nonce);
        PreAuthReader reader = new PreAuthReader();
        for (int messages = 0; messages < 2; ) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            bytesReceived.incrementAndGet();
            for (byte[] message : reader.feed(new byte[] {(byte) b}, 1).messages()) {
                if (messages++ == 0) {
                    socket.getOutputStream().write(listener.onHello(message));
                    socket.getOutputStream().flush();
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
