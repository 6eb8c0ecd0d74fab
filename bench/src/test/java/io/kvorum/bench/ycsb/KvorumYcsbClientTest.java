package io.kvorum.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.bench.FakeKvServer;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import site.ycsb.ByteIterator;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/** The YCSB binding against a map-backed server speaking the {@code /kv/{key}} contract. */
class KvorumYcsbClientTest {
    private final FakeKvServer server = new FakeKvServer(0, Set.of());

    private final java.util.List<KvorumYcsbClient> opened = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        opened.forEach(KvorumYcsbClient::cleanup);
        server.close();
    }

    private KvorumYcsbClient client(String... properties) throws DBException {
        Properties all = new Properties();
        all.setProperty("kvorum.nodes", "127.0.0.1:" + server.port());
        for (int i = 0; i < properties.length; i += 2) {
            all.setProperty(properties[i], properties[i + 1]);
        }
        KvorumYcsbClient client = new KvorumYcsbClient();
        client.setProperties(all);
        client.init();
        opened.add(client);
        return client;
    }

    private static Map<String, ByteIterator> fields(String... namesAndValues) {
        Map<String, ByteIterator> fields = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], new StringByteIterator(namesAndValues[i + 1]));
        }
        return fields;
    }

    private static Map<String, String> read(KvorumYcsbClient client, String key, Set<String> names) {
        Map<String, ByteIterator> result = new HashMap<>();
        assertEquals(Status.OK, client.read("usertable", key, names, result));
        return StringByteIterator.getStringMap(result);
    }

    @Test
    void insertReadUpdateAndDeleteARecord() throws DBException {
        KvorumYcsbClient client = client();

        assertEquals(Status.OK, client.insert("usertable", "user1", fields("field0", "a", "field1", "b")));
        assertEquals(Map.of("field0", "a", "field1", "b"), read(client, "user1", null));
        assertEquals(Map.of("field1", "b"), read(client, "user1", Set.of("field1")), "only the fields asked for");

        assertEquals(Status.OK, client.update("usertable", "user1", fields("field1", "c")));
        assertEquals(Map.of("field0", "a", "field1", "c"), read(client, "user1", null), "update keeps the other fields");

        assertEquals(Status.OK, client.delete("usertable", "user1"));
        assertEquals(Status.NOT_FOUND, client.read("usertable", "user1", null, new HashMap<>()));
    }

    @Test
    void manyRequestsReuseConnectionsAndKeyCharactersAreEncoded() throws DBException {
        KvorumYcsbClient client = client("kvorum.r", "2", "kvorum.w", "2");
        for (int i = 0; i < 200; i++) {
            assertEquals(Status.OK, client.insert("usertable", "user/" + i + " x", fields("field0", "v" + i)));
        }
        assertEquals(Map.of("field0", "v199"), read(client, "user/199 x", null));
    }

    @Test
    void updateOfAMissingKeyWritesTheGivenFields() throws DBException {
        KvorumYcsbClient client = client();

        assertEquals(Status.OK, client.update("usertable", "fresh", fields("field3", "z")));
        assertEquals(Map.of("field3", "z"), read(client, "fresh", null));
    }

    @Test
    void anUpdateIsOnePatchAndFallsBackToReadResolveWriteOnSiblings() throws DBException {
        KvorumYcsbClient client = client();
        assertEquals(Status.OK, client.insert("usertable", "hot", fields("field0", "a", "field1", "b")));
        server.siblings("hot");

        assertEquals(Status.OK, client.update("usertable", "hot", fields("field1", "c")));

        assertEquals(Map.of("field0", "a", "field1", "c"), read(client, "hot", null));
        assertEquals(Status.OK, client.update("usertable", "hot", fields("field0", "d")), "resolved: the PATCH applies again");
        assertEquals(Map.of("field0", "d", "field1", "c"), read(client, "hot", null));
    }

    @Test
    void scanIsNotImplemented() throws DBException {
        assertEquals(Status.NOT_IMPLEMENTED, client().scan("usertable", "user1", 10, null, new Vector<>()));
    }

    @Test
    void anUnreachableClusterFailsInitNamingTheProperty() {
        DBException none = assertThrows(DBException.class, () -> client("kvorum.nodes", "127.0.0.1:1", "kvorum.timeout_ms", "500"));
        assertTrue(none.getMessage().startsWith("kvorum.nodes"), none.getMessage());
    }

    @Test
    void threadsShareOneClientThatTheLastCleanupCloses() throws DBException {
        KvorumYcsbClient first = client();
        KvorumYcsbClient second = client();
        assertEquals(Status.OK, first.insert("usertable", "shared", fields("field0", "x")));
        first.cleanup();
        assertEquals(Map.of("field0", "x"), read(second, "shared", null), "the second thread's client is still open");
        second.cleanup();
    }

    @Test
    void badPropertiesNameTheProperty() {
        DBException timeout = assertThrows(DBException.class, () -> client("kvorum.timeout_ms", "soon"));
        assertTrue(timeout.getMessage().startsWith("kvorum.timeout_ms"), timeout.getMessage());
        DBException nodes = assertThrows(DBException.class, () -> client("kvorum.nodes", "nohost"));
        assertTrue(nodes.getMessage().startsWith("kvorum.nodes"), nodes.getMessage());
    }
}
