package io.kvorum.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against five real in-JVM nodes (N=3, R=2, W=2): discovery from one contact point,
 * preference lists equal to the nodes' own, every request straight to a replica, the resolver loop
 * under concurrent updaters, values decoded into the caller's types, and the 4xx errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvorumClientIT {
    private static final long SEED = 17L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalCluster cluster;

    @BeforeAll
    void startCluster(@TempDir Path dataRoot) {
        cluster = LocalCluster.start(dataRoot, 5);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A listener that records what it was told, for the assertions. */
    static final class Recorder implements ClusterListener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onMemberAdded(Member member) {
            events.add("added " + member.id());
        }

        @Override
        public void onMemberUp(Member member) {
            events.add("up " + member.id());
        }

        @Override
        public void onMemberDown(Member member) {
            events.add("down " + member.id());
        }

        @Override
        public void onRingChanged(int nodes, int tokens) {
            events.add("ring " + nodes);
        }
    }

    @Test
    void discoversEveryMemberFromOneContactPoint() {
        Recorder recorder = new Recorder();
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(3)).listener(recorder).build()) {
            List<Member> members = client.members();
            assertEquals(5, members.size(), members::toString);
            for (int i = 0; i < 5; i++) {
                Member member = members.get(i);
                assertEquals(LocalCluster.id(i), member.id());
                assertEquals(NodeAddress.parse(cluster.address(i)), member.address());
                assertTrue(member.usable(), member::toString);
                assertTrue(recorder.events.contains("added " + member.id()), recorder.events::toString);
                assertTrue(recorder.events.contains("up " + member.id()), recorder.events::toString);
            }
            assertTrue(recorder.events.contains("ring 5"), recorder.events::toString);
            assertFalse(client.preferenceList("any").isEmpty());
        }
    }

    @Test
    void preferenceListsEqualWhatTheNodesSay() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(0)).build()) {
            for (int k = 0; k < 200; k++) {
                String key = k % 3 == 0 ? "user" + random.nextLong() : "café-" + k + "-" + (char) (0x4e00 + random.nextInt(500));
                String encoded = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
                JsonNode replicas = JSON.readTree(cluster.get(k % 5, "/kv/" + encoded + "/replicas").body());
                List<String> expected = new ArrayList<>();
                replicas.path("preference_list").forEach(id -> expected.add(id.asText()));
                assertEquals(3, expected.size(), replicas::toString);
                assertEquals(expected, client.preferenceList(key), () -> "key " + key + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void everyRequestGoesStraightToAReplicaOnceTheRingIsKnown() throws Exception {
        long forwardedBefore = writesForwarded();
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(0)).build()) {
            for (int k = 0; k < 150; k++) {
                String key = "direct-" + k;
                Written written = client.put(key, Map.of("k", k), null);
                assertTrue(written.replicas().size() >= 2, written::toString);
                assertEquals(List.of(Map.of("k", k)), client.get(key, Map.class).values());
            }
            ClientStats stats = client.stats();
            assertEquals(300, stats.requests(), stats::toString);
            assertEquals(stats.requests(), stats.toReplica(), "share sent to a replica: " + stats);
            assertEquals(0, stats.withoutRing(), stats::toString);
        }
        // The nodes agree: none of those 150 writes had to be forwarded by a non-replica coordinator.
        assertEquals(forwardedBefore, writesForwarded());
    }

    @Test
    void concurrentUpdatersLoseNoUpdateWhenTheResolverMerges() throws Exception {
        String key = "set-under-contention";
        TypeReference<TreeSet<String>> type = new TypeReference<>() {};
        ConflictResolver<TreeSet<String>> union = siblings -> {
            TreeSet<String> merged = new TreeSet<>();
            siblings.forEach(merged::addAll);
            return merged;
        };
        int updaters = 4;
        int updatesEach = 25;
        Set<Integer> sawConflict = ConcurrentHashMap.newKeySet();
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(1)).build();
             ExecutorService threads = Executors.newFixedThreadPool(updaters)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < updaters; t++) {
                int thread = t;
                running.add(threads.submit(() -> {
                    for (int i = 0; i < updatesEach; i++) {
                        String element = thread + "-" + i;
                        client.update(key, type, siblings -> {
                            sawConflict.add(thread);
                            return union.resolve(siblings);
                        }, current -> {
                            TreeSet<String> next = current == null ? new TreeSet<>() : new TreeSet<>(current);
                            next.add(element);
                            return next;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            Fetched<TreeSet<String>> last = client.get(key, type);
            TreeSet<String> all = last.isConflict() ? union.resolve(last.values()) : last.value();
            assertEquals(updaters * updatesEach, all.size(), () -> "missing updates; siblings " + last.values().size());
            client.update(key, type, union, current -> current);
            Fetched<TreeSet<String>> resolved = client.get(key, type);
            assertFalse(resolved.isConflict(), "a write with the read's context resolves every sibling");
            assertEquals(all, resolved.value());
        }
        // Not asserted (it depends on scheduling), but printed: how often the updaters really raced.
        System.out.println("updaters that resolved siblings: " + sawConflict);
    }

    @Test
    void patchMergesInOneRequestAndSiblingsAreAConflictToResolve() {
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(1)).build()) {
            client.patch("profile:ada", Map.of("name", "Ada", "langs", List.of("en")), null);
            client.patch("profile:ada", new RawJson("{\"langs\": [\"en\", \"fr\"], \"born\": 1815}"), null);
            client.patch("profile:ada", new RawJson("{\"name\": null}"), null, RequestOptions.NONE.withR(Level.ALL).withW(Level.ALL));
            assertEquals(List.of(Map.of("langs", List.of("en", "fr"), "born", 1815)), client.get("profile:ada", Map.class).values());

            client.put("profile:twins", Map.of("a", 1), null);
            client.put("profile:twins", Map.of("b", 2), null);
            ConflictException conflict = assertThrows(ConflictException.class, () -> client.patch("profile:twins", Map.of("c", 3), null));
            assertEquals(2, conflict.values().size(), conflict.getMessage());
            client.put("profile:twins", Map.of("a", 1, "b", 2), conflict.context());
            Written patched = client.patch("profile:twins", Map.of("c", 3), null);
            assertFalse(patched.replicas().isEmpty());
            assertEquals(List.of(Map.of("a", 1, "b", 2, "c", 3)), client.get("profile:twins", Map.class).values());

            String stale = client.get("profile:twins", Map.class).contextOrNull();
            client.patch("profile:twins", Map.of("d", 4), null);
            assertThrows(ConflictException.class, () -> client.patch("profile:twins", Map.of("e", 5), stale), "a stale context is a precondition that fails");
        }
    }

    @Test
    void valuesDecodeIntoTheCallersTypesAndDeletesLeaveAContext() {
        record Cart(List<String> items, double total) {}
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(2)).w(Level.ALL).r(Level.QUORUM).build()) {
            Written first = client.put("cart:ada", new Cart(List.of("apple"), 1.5), null);
            Fetched<Cart> read = client.get("cart:ada", Cart.class);
            assertEquals(new Cart(List.of("apple"), 1.5), read.value());
            assertEquals(3, first.replicas().size(), "w=all: " + first);
            Written deleted = client.delete("cart:ada", read.contextOrNull());
            Fetched<Cart> gone = client.get("cart:ada", Cart.class);
            assertFalse(gone.isFound());
            assertTrue(gone.context().isPresent(), "a read after a delete has the tombstone's context");
            assertFalse(deleted.context().isEmpty());
            Fetched<Cart> never = client.get("never-written", Cart.class);
            assertFalse(never.isFound());
            assertEquals(Collections.emptyList(), never.values());
            Fetched<String> odd = client.getAsync("a/b c.." , String.class).join();
            assertFalse(odd.isFound());
            client.putAsync("a/b c..", "slash and space", null).join();
            assertEquals("slash and space", client.get("a/b c..", String.class).value());
        }
    }

    @Test
    void rejectedRequestsAreInvalidRequestExceptionsWithTheApisCode() {
        try (KvorumClient client = KvorumClient.builder().contactPoints(cluster.address(4)).build()) {
            InvalidRequestException badContext = assertThrows(InvalidRequestException.class,
                    () -> client.put("k", 1, "not-a-context!"));
            assertEquals(400, badContext.status());
            assertEquals("invalid_context", badContext.code());
            InvalidRequestException badLevel = assertThrows(InvalidRequestException.class,
                    () -> client.get("k", String.class, RequestOptions.NONE.withR(Level.of(4))));
            assertEquals("invalid_parameter", badLevel.code());
            InvalidRequestException badKey = assertThrows(InvalidRequestException.class, () -> client.get("", String.class));
            assertEquals("invalid_key", badKey.code());
            InvalidRequestException tooLarge = assertThrows(InvalidRequestException.class,
                    () -> client.put("big", "x".repeat(1024 * 1024), null));
            assertEquals(413, tooLarge.status());
            assertEquals("value_too_large", tooLarge.code());
            assertEquals(0, client.stats().retries(), "a rejected request is never retried");
        }
    }

    private long writesForwarded() throws Exception {
        long sum = 0;
        for (int i = 0; i < cluster.size(); i++) {
            sum += JSON.readTree(cluster.get(i, "/metrics").body()).path("counters").path("kv.writes-forwarded").path("count").asLong();
        }
        return sum;
    }
}
