package io.kvorum.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection to a node, used by one thread at a time: writes a request and
 * reads its whole response (Content-Length or chunked).
 *
 * <p>Why a plain blocking socket and not an HTTP library: callers of the synchronous API (YCSB's
 * threads, application request threads) block anyway, and doing the exchange on the caller's thread
 * costs no thread hand-off. The YCSB binding measured {@code java.net.http} at 2,143 ops/s of
 * workload A where blocking {@code HttpURLConnection} did 3,664 on the same cluster; this is the same
 * blocking model with a pool the client owns (its size per node is a builder setting, where
 * {@code HttpURLConnection}'s is the JVM-wide {@code http.maxConnections}). The asynchronous API runs
 * the same exchange on a virtual thread, where a blocking read costs no platform thread.
 */
final class HttpConnection implements AutoCloseable {
    private static final int HEADER_LINE_MAX = 16 * 1024;
    static final int BODY_BYTES_MAX = 64 * 1024 * 1024;

    /** A TLS connection's pooled-connection check blocks for up to this long, so it is made only after {@link #TLS_PROBE_IDLE_NANOS}. */
    private static final int TLS_PROBE_MILLIS = 1;
    /** Idle shorter than this, a TLS connection is reused unchecked (the node's idle close comes after 120 s). */
    private static final long TLS_PROBE_IDLE_NANOS = 1_000_000_000L;

    private final SocketChannel channel;
    private final Socket socket;
    private final boolean tls;
    private final String authorization;
    private final DeadlineInput raw;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;
    private final int bodyBytesMax;
    private long idleSinceNanos;
    private boolean reused;
    /** Whether the current request was completely written and flushed. */
    private boolean requestWritten;

    private HttpConnection(SocketChannel channel, Socket socket, String hostHeader, int bodyBytesMax, String authorization)
            throws IOException {
        this.channel = channel;
        this.socket = socket;
        this.tls = socket instanceof SSLSocket;
        this.authorization = authorization;
        this.raw = new DeadlineInput(socket);
        this.in = new BufferedInputStream(raw, 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.hostHeader = hostHeader;
        this.bodyBytesMax = bodyBytesMax;
    }

    /** Connects within {@code connectTimeoutMillis}; throws {@link java.net.ConnectException} and the like. */
    static HttpConnection open(NodeAddress address, int connectTimeoutMillis) throws IOException {
        return open(address, connectTimeoutMillis, BODY_BYTES_MAX);
    }

    /** {@link #open(NodeAddress, int)} refusing bodies over {@code bodyBytesMax} (tests use a small one). */
    static HttpConnection open(NodeAddress address, int connectTimeoutMillis, int bodyBytesMax) throws IOException {
        return open(address, connectTimeoutMillis, bodyBytesMax, ClientSecurity.NONE);
    }

    /**
     * With TLS (the handshake, host name check included, within the connect timeout too) and the
     * bearer token when {@code security} has them.
     */
    static HttpConnection open(NodeAddress address, int connectTimeoutMillis, int bodyBytesMax, ClientSecurity security)
            throws IOException {
        // A channel's socket rather than a plain Socket: its streams honour SO_TIMEOUT the same, and the
        // channel can also be read without blocking, which makes the check of a pooled connection free.
        SocketChannel channel = SocketChannel.open();
        try {
            Socket socket = channel.socket();
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            long started = System.nanoTime();
            socket.connect(new InetSocketAddress(address.host(), address.port()), connectTimeoutMillis);
            String authorization = security.bearerToken().map(token -> "Authorization: Bearer " + token + "\r\n").orElse("");
            if (security.tls().isEmpty()) {
                return new HttpConnection(channel, socket, address.toString(), bodyBytesMax, authorization);
            }
            SSLSocket tlsSocket = (SSLSocket) security.tls().get().getSocketFactory()
                    .createSocket(socket, address.host(), address.port(), true);
            SSLParameters parameters = tlsSocket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the node's host
            tlsSocket.setSSLParameters(parameters);
            long leftMillis = connectTimeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            tlsSocket.setSoTimeout((int) Math.max(1, leftMillis));
            tlsSocket.startHandshake();
            return new HttpConnection(channel, tlsSocket, address.toString(), bodyBytesMax, authorization);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** An answer: the status, the body and whether the server will close the connection. */
    record Answer(int status, byte[] body, boolean close) {}

    /**
     * Sends one request and reads its answer, all of it by {@code deadlineNanos} (a
     * {@link SocketTimeoutException} after that). A failure leaves the connection unusable (the
     * caller closes it); {@link #requestWritten()} and {@link #responseStarted()} then say how far it got.
     */
    Answer exchange(String method, String pathAndQuery, byte[] body, long deadlineNanos) throws IOException {
        requestWritten = false;
        raw.start(deadlineNanos);
        StringBuilder head = new StringBuilder(128);
        head.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n")
                .append(authorization);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
        requestWritten = true;
        Answer answer;
        do {
            answer = readAnswer(); // 1xx answers are interim (100 Continue, 103 Early Hints): the final one follows
        } while (answer.status() >= 100 && answer.status() < 200 && answer.status() != 101);
        if (answer.status() == 101) {
            throw new IOException("the node switched protocols (101), which this client never asks for");
        }
        return answer;
    }

    /** Whether the last request was completely written (false: the node cannot have acted on it). */
    boolean requestWritten() {
        return requestWritten;
    }

    /** Whether any byte of the last request's answer arrived (true: the node got the request). */
    boolean responseStarted() {
        return raw.bytesRead > 0;
    }

    /**
     * Whether a pooled connection still looks usable: no stray bytes are waiting and the node has not
     * closed it, found by one read that does not block (a few microseconds), so that a write is
     * almost never sent on a connection the node already closed (it could not be sent again).
     */
    boolean looksUsable() {
        try {
            if (in.available() > 0) {
                return false; // bytes nobody asked for: the framing is lost
            }
            if (tls) {
                return tlsLooksUsable();
            }
            channel.configureBlocking(false);
            try {
                return channel.read(ByteBuffer.allocate(1)) == 0; // -1: the node's close; 1: a stray byte
            } finally {
                channel.configureBlocking(true);
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The channel's raw bytes belong to the TLS session and must not be read around it, so a TLS
     * connection is checked by a read of 1 ms through it: only after it was idle for a second, as a
     * node closes idle connections only after 120 s (and a busy pool then pays nothing).
     */
    private boolean tlsLooksUsable() throws IOException {
        if (System.nanoTime() - idleSinceNanos < TLS_PROBE_IDLE_NANOS) {
            return true;
        }
        socket.setSoTimeout(TLS_PROBE_MILLIS);
        try {
            in.mark(1);
            in.read();
            return false; // a byte nobody asked for, or -1: the node closed it
        } catch (java.net.SocketTimeoutException quiet) {
            return true;
        }
    }

    private Answer readAnswer() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + abbreviate(statusLine));
        }
        int status = parseStatus(statusLine);
        long contentLength = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + abbreviate(line));
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = parseLength(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        byte[] body;
        if ((status >= 100 && status < 200) || status == 204 || status == 304) {
            body = new byte[0]; // never a body, whatever the headers say (RFC 9112 section 6.3)
        } else if (chunked) {
            body = readChunked();
        } else if (contentLength >= 0) {
            body = in.readNBytes((int) contentLength);
            if (body.length != contentLength) {
                throw new EOFException("the body ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = readToEnd(); // no framing: the body runs to the end of the connection
            close = true;
        }
        return new Answer(status, body, close);
    }

    private byte[] readToEnd() throws IOException {
        byte[] body = in.readNBytes(bodyBytesMax + 1);
        if (body.length > bodyBytesMax) {
            throw new IOException("a body without a length runs over " + bodyBytesMax + " bytes");
        }
        return body;
    }

    private byte[] readChunked() throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size: " + abbreviate(sizeLine), e);
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers: none that matter
                }
                return body.toByteArray();
            }
            if (size < 0 || body.size() + size > bodyBytesMax) {
                throw new IOException("a chunked body over " + bodyBytesMax + " bytes");
            }
            byte[] chunk = in.readNBytes((int) size);
            if (chunk.length != size) {
                throw new EOFException("a chunk ended early");
            }
            body.write(chunk);
            readLine();
        }
    }

    /** A line without its CRLF; EOF before any byte is an {@link EOFException} (the peer closed). */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(line.isEmpty() ? "the node closed the connection" : "the connection ended mid-line");
            }
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            if (line.length() >= HEADER_LINE_MAX) {
                throw new IOException("a header line over " + HEADER_LINE_MAX + " bytes");
            }
            line.append((char) b);
        }
    }

    private static int parseStatus(String statusLine) throws IOException {
        try {
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line: " + abbreviate(statusLine), e);
        }
    }

    private long parseLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value);
            if (length < 0 || length > bodyBytesMax) {
                throw new IOException("Content-Length out of range: " + value);
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("malformed Content-Length: " + abbreviate(value), e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }

    /** Marks the connection idle since {@code nowNanos} (back in the pool) and as reused from now on. */
    void idleSince(long nowNanos) {
        idleSinceNanos = nowNanos;
        reused = true;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    /** True once the connection served a request: a failure on it may be the node's idle close, not the request. */
    boolean reused() {
        return reused;
    }

    @Override
    public void close() {
        try {
            if (tls) {
                socket.close(); // sends TLS close_notify, then closes the channel beneath
            }
            channel.close();
        } catch (IOException ignored) {
            // closing cannot lose data: the exchange is over or already failed
        }
    }

    /**
     * The socket's input with one deadline for the whole answer: each read waits only for the time
     * left (SO_TIMEOUT alone bounds each read, so a node trickling bytes could hold a caller for
     * ever), and it counts the bytes that arrived.
     */
    private static final class DeadlineInput extends FilterInputStream {
        private final Socket socket;
        private long deadlineNanos;
        private long bytesRead;

        DeadlineInput(Socket socket) throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
        }

        void start(long deadline) {
            deadlineNanos = deadline;
            bytesRead = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            long leftMillis = Math.ceilDiv(deadlineNanos - System.nanoTime(), 1_000_000L);
            if (leftMillis <= 0) {
                throw new SocketTimeoutException("the deadline passed");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                bytesRead += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            throw new IOException("skip is not used on a connection");
        }
    }
}
