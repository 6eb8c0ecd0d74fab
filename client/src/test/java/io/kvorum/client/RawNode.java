package io.kvorum.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A node that misbehaves on purpose: a raw {@link ServerSocket} on 127.0.0.1 whose every connection
 * runs {@link Script} on its own thread, so a test can stall, trickle, close mid-answer or send
 * answers no HTTP library would. Counts connections and requests, and records which connections
 * the client closed (the server read its EOF).
 */
final class RawNode implements AutoCloseable {
    /** What the node does on one connection ({@code index} counts connections from 0). */
    @FunctionalInterface
    interface Script {
        void run(Socket socket, int index, RawNode node) throws Exception;
    }

    private final ServerSocket server;
    private final Script script;
    private final Thread acceptor;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    /** Indexes of connections on which the server read the client's close. */
    final List<Integer> closedByClient = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    RawNode(Script script) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.script = script;
        this.acceptor = Thread.ofPlatform().daemon().name("raw-node-accept").start(this::accept);
    }

    NodeAddress address() {
        return NodeAddress.parse("127.0.0.1:" + server.getLocalPort());
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                int index = connections.getAndIncrement();
                Thread.ofPlatform().daemon().name("raw-node-" + index).start(() -> {
                    try {
                        script.run(socket, index, this);
                    } catch (Exception e) {
                        // the client went away mid-script: what a test provokes
                    }
                });
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Reads one request (head and Content-Length body); null when the client closed the connection first. */
    String readRequest(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        requests.incrementAndGet();
        return text.substring(0, text.indexOf("\r\n")) + (body.isEmpty() ? "" : " " + body);
    }

    /** Waits for the client's close (EOF) on this connection and records it. */
    void awaitClientClose(Socket socket, int index) throws IOException {
        if (socket.getInputStream().read() < 0) {
            closedByClient.add(index);
        }
    }

    static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        acceptor.interrupt();
    }
}
