package io.kvorum.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool and the HTTP exchange against a node that misbehaves ({@link RawNode}): connections closed
 * on every failure, a stale connection's request sent again only when that cannot apply it twice,
 * unframed and bodiless answers, and one deadline for the whole answer.
 */
class NodePoolTest {
    private RawNode node;
    private NodePool pool;

    @AfterEach
    void stop() throws IOException {
        if (pool != null) {
            pool.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private NodePool pool() {
        pool = new NodePool(node.address(), 4, 1000);
        return pool;
    }

    private static String text(HttpConnection.Answer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aReusedConnectionThatTimesOutIsClosedNotLeaked() throws Exception {
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            RawNode.send(socket, RawNode.ok("1"));
            if (index == 0) {
                n.readRequest(socket); // and never answer
                n.awaitClientClose(socket, index);
            }
        });
        NodePool pool = pool();
        assertEquals("1", text(pool.exchange("GET", "/kv/a", null, 2000)));
        assertThrows(SocketTimeoutException.class, () -> pool.exchange("GET", "/kv/a", null, 200));
        await().atMost(Duration.ofSeconds(10)).until(() -> node.closedByClient.contains(0));
        assertEquals(2, node.requests.get(), "a timeout is not sent again by the pool");
        assertEquals("1", text(pool.exchange("GET", "/kv/a", null, 2000)), "the pool still works, on a new connection");
        assertEquals(2, node.connections.get());
    }

    @Test
    void aMalformedReplyOnAReusedConnectionClosesItAndIsNotSentAgain() throws Exception {
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            RawNode.send(socket, RawNode.ok("1"));
            n.readRequest(socket);
            RawNode.send(socket, "garbage\r\n");
            n.awaitClientClose(socket, index);
        });
        NodePool pool = pool();
        pool.exchange("GET", "/kv/a", null, 2000);
        IOException failure = assertThrows(IOException.class, () -> pool.exchange("GET", "/kv/a", null, 2000));
        assertTrue(failure.getMessage().contains("not an HTTP/1.x status line"), failure::getMessage);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.closedByClient.contains(0));
        assertEquals(2, node.requests.get());
        assertEquals(1, node.connections.get());
    }

    /** Connection 0 answers its first request, then reads the second and closes without a word. */
    private static void closeAfterSecondRequest(java.net.Socket socket, int index, RawNode n) throws IOException {
        n.readRequest(socket);
        RawNode.send(socket, RawNode.ok(String.valueOf(index + 1)));
        if (index == 0) {
            n.readRequest(socket);
            socket.close();
        }
    }

    @Test
    void aGetMetByTheNodesCloseIsSentAgainOnANewConnection() throws Exception {
        node = new RawNode(NodePoolTest::closeAfterSecondRequest);
        NodePool pool = pool();
        assertEquals("1", text(pool.exchange("GET", "/kv/a", null, 2000)));
        assertEquals("2", text(pool.exchange("GET", "/kv/a", null, 2000)), "a read is safe to send again");
        assertEquals(3, node.requests.get());
        assertEquals(2, node.connections.get());
    }

    @Test
    void aPutTheNodeReceivedBeforeClosingIsNotSentAgain() throws Exception {
        node = new RawNode(NodePoolTest::closeAfterSecondRequest);
        NodePool pool = pool();
        pool.exchange("GET", "/kv/a", null, 2000);
        byte[] body = "{\"value\":1}".getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> pool.exchange("PUT", "/kv/a", body, 2000));
        assertEquals(2, node.requests.get(), "the PUT reached the node once and was not sent again (no duplicate sibling)");
        assertEquals(1, node.connections.get());
    }

    @Test
    void aGetWhoseAnswerHadStartedIsNotSentAgain() throws Exception {
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            RawNode.send(socket, RawNode.ok("1"));
            n.readRequest(socket);
            RawNode.send(socket, "HTTP/1.1 200 OK\r\n");
            socket.close();
        });
        NodePool pool = pool();
        pool.exchange("GET", "/kv/a", null, 2000);
        assertThrows(EOFException.class, () -> pool.exchange("GET", "/kv/a", null, 2000));
        assertEquals(2, node.requests.get());
        assertEquals(1, node.connections.get());
    }

    @Test
    void aPooledConnectionTheNodeClosedIsFoundBeforeAWriteIsSentOnIt() throws Exception {
        CountDownLatch idleClosed = new CountDownLatch(1);
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            RawNode.send(socket, RawNode.ok(String.valueOf(index + 1)));
            if (index == 0) {
                socket.close(); // the node's idle close
                idleClosed.countDown();
            }
        });
        NodePool pool = pool();
        pool.exchange("GET", "/kv/a", null, 2000);
        assertTrue(idleClosed.await(10, TimeUnit.SECONDS));
        HttpConnection.Answer answer = pool.exchange("PUT", "/kv/a", "{\"value\":1}".getBytes(StandardCharsets.UTF_8), 2000);
        assertEquals("2", text(answer), "the PUT went on a new connection");
        assertEquals(2, node.requests.get(), "and was sent once");
    }

    @Test
    void anUnframedBodyRunsToTheCloseAndIsBounded() throws Exception {
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            if (index == 0) {
                RawNode.send(socket, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n\"hello\"");
                socket.close();
            } else {
                RawNode.send(socket, "HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(100)); // over the limit, and never closes
                n.awaitClientClose(socket, index);
            }
        });
        try (HttpConnection connection = HttpConnection.open(node.address(), 1000, 16)) {
            HttpConnection.Answer answer = connection.exchange("GET", "/kv/a", null, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            assertEquals("\"hello\"", text(answer));
            assertTrue(answer.close());
        }
        try (HttpConnection connection = HttpConnection.open(node.address(), 1000, 16)) {
            IOException failure = assertThrows(IOException.class,
                    () -> connection.exchange("GET", "/kv/a", null, System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
            assertFalse(failure instanceof SocketTimeoutException, "refused at the limit, without waiting for the close");
            assertTrue(failure.getMessage().contains("over 16 bytes"), failure::getMessage);
        }
    }

    @Test
    void noContentHasNoBodyAndInterimAnswersAreSkipped() throws Exception {
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            RawNode.send(socket, "HTTP/1.1 204 No Content\r\n\r\n"); // neither length nor close: the body is empty
            n.readRequest(socket);
            RawNode.send(socket, "HTTP/1.1 100 Continue\r\n\r\n" + RawNode.ok("x"));
            n.awaitClientClose(socket, index);
        });
        try (HttpConnection connection = HttpConnection.open(node.address(), 1000)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            HttpConnection.Answer none = connection.exchange("DELETE", "/kv/a", null, deadline);
            assertEquals(204, none.status());
            assertArrayEquals(new byte[0], none.body());
            assertFalse(none.close());
            HttpConnection.Answer next = connection.exchange("GET", "/kv/a", null, deadline);
            assertEquals(200, next.status());
            assertEquals("x", text(next));
        }
    }

    @Test
    void aTricklingNodeCannotHoldACallPastItsTimeout() throws Exception {
        node = new RawNode((socket, index, n) -> {
            n.readRequest(socket);
            RawNode.send(socket, "HTTP/1.1 200 OK\r\nContent-Length: 200\r\n\r\n");
            for (int i = 0; i < 200; i++) {
                RawNode.send(socket, "x"); // a byte every 50 ms: each read is quick, the answer takes 10 s
                Thread.sleep(50);
            }
        });
        NodePool pool = pool();
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> pool.exchange("GET", "/kv/a", null, 300));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 5000, "a 300 ms call gave up after " + tookMillis + " ms, not when the answer ended (10 s)");
    }
}
