package io.kvorum.node.it;

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
 * has reached out to it, so a test knows its request is in flight without sleeping.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicLong bytesReceived = new AtomicLong();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    Blackhole(int port) {
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
            int read;
            while ((read = in.read(buffer)) >= 0) {
                bytesReceived.addAndGet(read);
            }
        } catch (IOException e) {
            // closed
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
