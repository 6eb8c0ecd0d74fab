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

    /** Thrown when no connection became free within the request's timeout; nothing was sent. */
    static final class PoolExhausted extends IOException {
        PoolExhausted(String message) {
            super(message);
        }
    }

    private final NodeAddress address;
    private final int connectTimeoutMillis;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<HttpConnection> idle = new ArrayDeque<>();
    private boolean closed;

    NodePool(NodeAddress address, int size, int connectTimeoutMillis) {
        this.address = address;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.permits = new Semaphore(size);
    }

    NodeAddress address() {
        return address;
    }

    /**
     * One exchange on a pooled or new connection. A reused connection that fails before any answer
     * arrived is most likely one the node closed while idle, so the request is sent once more on a
     * new connection; a new connection that cannot be opened is a {@link ConnectFailure}.
     */
    HttpConnection.Answer exchange(String method, String path, byte[] body, int timeoutMillis) throws IOException {
        try {
            if (!permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                throw new PoolExhausted("no connection to " + address + " became free within " + timeoutMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a connection to " + address);
        }
        try {
            HttpConnection connection = takeIdle();
            if (connection != null) {
                try {
                    return finish(connection, connection.exchange(method, path, body, timeoutMillis));
                } catch (EOFException | SocketException e) {
                    connection.close(); // the node closed it while idle (or is gone): try a fresh one
                }
            }
            connection = connect();
            try {
                return finish(connection, connection.exchange(method, path, body, timeoutMillis));
            } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } finally {
            permits.release();
        }
    }

    private HttpConnection.Answer finish(HttpConnection connection, HttpConnection.Answer answer) {
        if (answer.close()) {
            connection.close();
        } else {
            giveBack(connection);
        }
        return answer;
    }

    private HttpConnection connect() throws ConnectFailure {
        try {
            return HttpConnection.open(address, connectTimeoutMillis);
        } catch (IOException e) {
            throw new ConnectFailure("cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    private HttpConnection takeIdle() {
        long now = System.nanoTime();
        lock.lock();
        try {
            while (!idle.isEmpty()) {
                HttpConnection newest = idle.pollLast();
                if (now - newest.idleSinceNanos() < IDLE_NANOS_MAX) {
                    return newest;
                }
                newest.close();
            }
            return null;
        } finally {
            lock.unlock();
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
