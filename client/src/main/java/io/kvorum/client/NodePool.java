package io.kvorum.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keep-alive connections to one node: at most {@code size} at once (a caller beyond that waits
 * for one, within its timeout), idle ones reused newest first and closed after
 * {@link #IDLE_NANOS_MAX} (the node closes idle connections after 120 s). Thread-safe; a lock rather
 * than {@code synchronized}, so that virtual threads waiting here do not pin their carrier.
 */
final class NodePool implements AutoCloseable {
    /** Well under the node's 120 s idle close, so a pooled connection is almost never one the node dropped. */
    static final long IDLE_NANOS_MAX = TimeUnit.SECONDS.toNanos(60);

    /** Thrown when no connection could be opened: the request was never sent, so any node may take it. */
    static final class ConnectFailure extends IOException {
        ConnectFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Thrown when no connection became free (or no time was left to open one) within the request's timeout; nothing was sent. */
    static final class PoolExhausted extends IOException {
        PoolExhausted(String message) {
            super(message);
        }
    }

    private final NodeAddress address;
    private final int connectTimeoutMillis;
    private final int bodyBytesMax;
    private final ClientSecurity security;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<HttpConnection> idle = new ArrayDeque<>();
    private boolean closed;

    NodePool(NodeAddress address, int size, int connectTimeoutMillis) {
        this(address, size, connectTimeoutMillis, HttpConnection.BODY_BYTES_MAX);
    }

    /** With the body limit given (tests use a small one). */
    NodePool(NodeAddress address, int size, int connectTimeoutMillis, int bodyBytesMax) {
        this(address, size, connectTimeoutMillis, bodyBytesMax, ClientSecurity.NONE);
    }

    /** With TLS and a bearer token as {@code security} says. */
    NodePool(NodeAddress address, int size, int connectTimeoutMillis, int bodyBytesMax, ClientSecurity security) {
        this.security = security;
        this.address = address;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.bodyBytesMax = bodyBytesMax;
        this.permits = new Semaphore(size);
    }

    NodeAddress address() {
        return address;
    }

    /**
     * One exchange on a pooled or new connection, all of it (the wait for a free connection, the
     * connect, the exchange and a second one) within {@code timeoutMillis}. A reused connection that
     * fails with the node's close before any of the answer arrived is most likely one the node closed
     * while idle: a GET is then sent once more on a new connection, a write only when it was not
     * completely written (a write the node may have received is the caller's retry policy to judge).
     * A new connection that cannot be opened is a {@link ConnectFailure}. Every failed connection is closed.
     */
    HttpConnection.Answer exchange(String method, String path, byte[] body, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        try {
            if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new PoolExhausted("no connection to " + address + " became free within " + timeoutMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a connection to " + address);
        }
        try {
            boolean write = !method.equals("GET") && !method.equals("HEAD");
            HttpConnection connection = takeIdle();
            if (connection != null) {
                try {
                    return finish(connection, connection.exchange(method, path, body, deadline));
                } catch (IOException | RuntimeException e) {
                    connection.close();
                    if (!staleAndUnsent(e, connection, write)) {
                        throw e;
                    }
                }
            }
            connection = connect(deadline);
            try {
                return finish(connection, connection.exchange(method, path, body, deadline));
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } finally {
            permits.release();
        }
    }

    /**
     * Whether a reused connection's failure is the node's earlier close and sending again cannot
     * apply the request twice: the connection ended or was reset (not a timeout, not a bad answer),
     * nothing of the answer arrived, and the request is a read or was not completely written.
     */
    private static boolean staleAndUnsent(Exception failure, HttpConnection connection, boolean write) {
        boolean closedByNode = failure instanceof EOFException || failure instanceof SocketException;
        return closedByNode && !connection.responseStarted() && (!write || !connection.requestWritten());
    }

    private HttpConnection.Answer finish(HttpConnection connection, HttpConnection.Answer answer) {
        if (answer.close()) {
            connection.close();
        } else {
            giveBack(connection);
        }
        return answer;
    }

    private HttpConnection connect(long deadline) throws IOException {
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMillis <= 0) {
            throw new PoolExhausted("no time left to connect to " + address + " within the request's timeout");
        }
        try {
            return HttpConnection.open(address, (int) Math.min(connectTimeoutMillis, leftMillis), bodyBytesMax, security);
        } catch (IOException e) {
            throw new ConnectFailure("cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    /**
     * The newest idle connection that still looks usable ({@link HttpConnection#looksUsable()}), or
     * null; the others are closed.
     */
    private HttpConnection takeIdle() {
        while (true) {
            long now = System.nanoTime();
            HttpConnection newest;
            lock.lock();
            try {
                newest = idle.pollLast();
            } finally {
                lock.unlock();
            }
            if (newest == null) {
                return null;
            }
            long idleNanos = now - newest.idleSinceNanos();
            if (idleNanos < IDLE_NANOS_MAX && newest.looksUsable()) {
                return newest;
            }
            newest.close();
        }
    }

    private void giveBack(HttpConnection connection) {
        connection.idleSince(System.nanoTime());
        lock.lock();
        try {
            if (!closed) {
                idle.addLast(connection);
                return;
            }
        } finally {
            lock.unlock();
        }
        connection.close();
    }

    /** Drops every idle connection (the node went down: they are dead or soon will be). */
    void evictIdle() {
        lock.lock();
        try {
            idle.forEach(HttpConnection::close);
            idle.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            idle.forEach(HttpConnection::close);
            idle.clear();
        } finally {
            lock.unlock();
        }
    }
}
