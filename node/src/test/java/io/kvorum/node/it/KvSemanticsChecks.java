package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static io.kvorum.node.it.ApiAssertions.assertNotFound;
import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertUnavailable;
import static io.kvorum.node.it.ApiAssertions.assertValueSet;
import static io.kvorum.node.it.ApiAssertions.assertValues;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.node.it.ApiClient.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The api.md semantics of PUT, GET and DELETE that a well-behaved client relies on: any node
 * coordinates, values come back as written, siblings and contexts, deletes and tombstones, keys,
 * consistency levels, and quorums with a node down.
 */
final class KvSemanticsChecks extends ClusterChecks {
    KvSemanticsChecks(Cluster cluster) {
        super(cluster);
    }

    // --- PUT/GET/DELETE -----------------------------------------------------------------------------

    /** Any node coordinates any request: write through each node, read it back through every node, delete it. */
    void roundTripThroughEveryNode() {
        for (int c = 0; c < nodes.size(); c++) {
            String key = key("round-trip-" + c);
            String value = "{\"written-through\":" + c + "}";
            assertWritten(node(c).putValue(key, value), key);
            for (ApiClient reader : nodes) {
                assertValues(reader.get(key), key, value);
            }
            assertWritten(node(c + 1).delete(key), key);
            for (ApiClient reader : nodes) {
                assertNotFound(reader.get(key), true);
            }
        }
    }

    /** "value: any JSON value ... Stored as its exact JSON text; returned unchanged." */
    void valueTypesComeBackUnchanged() {
        List<String> values = List.of(
                "{\"b\" : [1, 2],\n  \"a\": {\"nested\": true}, \"price\": 1.50}",
                "[1, \"two\", null, [], {}, [[]]]",
                "\"caf\\u00e9, café, \\t \\\"quoted\\\" \\/ \\\\ 😀\"",
                "1.50", "-0", "1E+400", "1e-7", "0.1000", "-12", "0", "123456789012345678901234567890",
                "true", "false", "null",
                "{}", "[]", "\"\"",
                "{\"dup\":1,\"dup\":2}");
        for (int i = 0; i < values.size(); i++) {
            String key = key("type-" + i);
            assertWritten(node(i).putValue(key, values.get(i)), key);
            assertValues(node(i + 1).get(key), key, values.get(i));
        }
    }

    /** "PUT ... 200 OK {"key": "<key>", "context": "<context of the new version>"}". */
    void putAnswersTheContextOfTheNewVersion() {
        String key = key("put-context");
        String first = assertWritten(node(0).putValue(key, "1"), key);
        String second = assertWritten(node(1).putValue(key, "2", first), key);
        assertNotEquals(first, second);
        // The returned context covers the version just written: writing with it replaces that version.
        assertWritten(node(2).putValue(key, "3", second), key);
        for (ApiClient reader : nodes) {
            assertValues(reader.get(key), key, "3");
        }
    }

    /**
     * "Without context the write is concurrent with whatever the key holds: it becomes a new sibling";
     * "values holds every sibling ... order is deterministic (stable for equal state)"; "context covers all
     * returned siblings, so a PUT with it resolves the conflict".
     */
    void blindWritesBecomeSiblingsInAStableOrderAndAContextResolvesThem(boolean sameCoordinator) {
        String key = key(sameCoordinator ? "blind-one-coordinator" : "blind-two-coordinators");
        assertWritten(node(0).putValue(key, "\"first\""), key);
        assertWritten(node(sameCoordinator ? 0 : 1).putValue(key, "\"second\""), key);
        Answer reference = node(0).get(key);
        String context = assertValueSet(reference, key, Set.of("\"first\"", "\"second\""));
        for (int round = 0; round < 3; round++) {
            for (ApiClient reader : nodes) {
                Answer again = reader.get(key);
                assertEquals(reference.rawValues(), again.rawValues(), () -> "sibling order changed: " + again);
                assertEquals(reference.body(), again.body(), () -> "equal state, different answer: " + again);
            }
        }
        assertWritten(node(2).putValue(key, "\"merged\"", context), key);
        for (ApiClient reader : nodes) {
            assertValues(reader.get(key), key, "\"merged\"");
        }
    }

    /** Two writers that read the same version and write with that (now stale) context both survive as siblings. */
    void writesWithTheSameStaleContextBecomeSiblings(boolean sameCoordinator) {
        String key = key(sameCoordinator ? "stale-one-coordinator" : "stale-two-coordinators");
        assertWritten(node(0).putValue(key, "0"), key);
        String stale = assertValues(node(1).get(key), key, "0");
        assertWritten(node(1).putValue(key, "1", stale), key);
        assertWritten(node(sameCoordinator ? 1 : 2).putValue(key, "2", stale), key);
        String context = null;
        for (ApiClient reader : nodes) {
            context = assertValueSet(reader.get(key), key, Set.of("1", "2"));
        }
        assertWritten(node(0).putValue(key, "3", context), key);
        for (ApiClient reader : nodes) {
            assertValues(reader.get(key), key, "3");
        }
    }

    /** "With context the write supersedes every version that the context covers; versions the context does not cover stay as siblings." */
    void aContextSupersedesOnlyWhatItCovers() {
        String key = key("partial-context");
        assertWritten(node(0).putValue(key, "1"), key);
        String seenOne = assertValues(node(0).get(key), key, "1");
        assertWritten(node(1).putValue(key, "2"), key); // not seen by the next writer
        assertWritten(node(2).putValue(key, "3", seenOne), key);
        for (ApiClient reader : nodes) {
            assertValueSet(reader.get(key), key, Set.of("2", "3"));
        }
    }

    /** "GET ... 404 not_found ... context is present when tombstones were seen": a never-written key has none. */
    void aNeverWrittenKeyIsNotFoundWithoutContext() {
        String key = key("never-written");
        for (ApiClient reader : nodes) {
            assertNotFound(reader.get(key), false);
            assertNotFound(reader.get(key, "r=all"), false);
        }
    }

    /** Delete, read 404 with the tombstone's context, write "after" the delete with it: one value. */
    void aWriteAfterADeleteWithItsContextHasOneValue() {
        String key = key("write-after-delete");
        assertWritten(node(0).putValue(key, "\"before\""), key);
        assertWritten(node(1).delete(key), key);
        String tombstone = null;
        for (ApiClient reader : nodes) {
            tombstone = assertNotFound(reader.get(key), true);
        }
        assertWritten(node(2).putValue(key, "\"after\"", tombstone), key);
        for (ApiClient reader : nodes) {
            assertValues(reader.get(key), key, "\"after\"");
        }
        // The DELETE's own answer is "the context of the tombstone": writing with it also comes after.
        String other = key("write-after-delete-context");
        assertWritten(node(0).putValue(other, "1"), other);
        String deleted = assertWritten(node(0).delete(other), other);
        assertWritten(node(1).putValue(other, "2", deleted), other);
        assertValues(node(2).get(other), other, "2");
    }

    /** "without context: everything the coordinator's replicas currently hold" — whatever the body says "no context". */
    void aDeleteWithoutContextSupersedesEverything() {
        Map<String, String> noContextBodies = new LinkedHashMap<>();
        noContextBodies.put("no-body", null);
        noContextBodies.put("empty", "");
        noContextBodies.put("spaces", " \n ");
        noContextBodies.put("empty-object", "{}");
        noContextBodies.put("null-context", "{\"context\":null}");
        int i = 0;
        for (Map.Entry<String, String> body : noContextBodies.entrySet()) {
            String key = key("delete-all-" + body.getKey());
            assertWritten(node(i).putValue(key, "1"), key);
            assertWritten(node(i + 1).putValue(key, "2"), key);
            assertValueSet(node(i).get(key), key, Set.of("1", "2"));
            assertWritten(node(i + 2).delete(key, body.getValue(), ""), key);
            for (ApiClient reader : nodes) {
                assertNotFound(reader.get(key), true);
            }
            i++;
        }
    }

    /** "Writes a tombstone that supersedes what the context covers": a sibling the deleter never saw survives. */
    void aDeleteWithContextSupersedesOnlyWhatItCovers() {
        String key = key("delete-partial");
        assertWritten(node(0).putValue(key, "\"seen\""), key);
        String seen = assertValues(node(0).get(key), key, "\"seen\"");
        assertWritten(node(1).putValue(key, "\"unseen\""), key);
        assertWritten(node(2).deleteWithContext(key, seen), key);
        for (ApiClient reader : nodes) {
            assertValues(reader.get(key), key, "\"unseen\"");
        }
    }

    /** Deleting a key that holds nothing still writes a tombstone: 200, then 404 with a context. */
    void deletingANeverWrittenKeyWritesATombstone() {
        String key = key("delete-nothing");
        assertWritten(node(0).delete(key), key);
        assertNotFound(node(1).get(key), true);
    }

    // --- keys ---------------------------------------------------------------------------------------

    /** "key: one URL path segment, percent-encoded UTF-8"; responses echo the decoded key. */
    void percentEncodedKeysRoundTrip() {
        List<String> keys = List.of("user:42", "café", "a/b", "a b", "a+b", "日本語", "emoji😀", "100%", "%41", "a?b#c", "x=1&y=2");
        int i = 0;
        for (String name : keys) {
            String key = key(name);
            String value = "{\"i\":" + i + "}";
            assertWritten(node(i).putValue(key, value), key);
            assertValues(node(i + 1).get(key), key, value);
            i++;
        }
        // In a path '+' is a plus sign, not a space: the raw '+' names the key written as %2B above.
        assertValues(node(0).get(raw("/kv/" + key("a") + "+b")), key("a+b"), "{\"i\":4}");
        // Unencoded non-ASCII is not sent by clients that follow RFC 3986; %2F keeps a/b one segment.
        assertValues(node(0).get(raw("/kv/" + key("a") + "%2fb")), key("a/b"), "{\"i\":2}");
        // Keys that are whole-path edge cases, not prefixable: overwrite whatever an earlier run left.
        for (String edge : List.of(".", "..", "replicas")) {
            String encoded = edge.equals("replicas") ? "replicas" : "%2E".repeat(edge.length());
            String value = "\"" + run + "\"";
            Answer before = node(1).get(raw("/kv/" + encoded + "?r=all"));
            String context = before.status() == 200 ? before.context() : before.json().path("context").asText(null);
            String body = "{\"value\":" + value + (context == null ? "" : ",\"context\":\"" + context + "\"") + "}";
            assertWritten(node(1).send("PUT", "/kv/" + encoded + "?w=all", body), edge);
            assertValues(node(2).get(raw("/kv/" + encoded)), edge, value);
        }
        // An unencoded '/' makes two segments: not a key.
        for (String method : List.of("GET", "PUT", "DELETE")) {
            assertError(node(0).send(method, "/kv/" + key("a") + "/b", method.equals("PUT") ? "{\"value\":1}" : null),
                    400, "invalid_key");
        }
    }

    /** "1 to 1024 bytes once decoded. Anything else is 400 invalid_key." */
    void keysOf1024BytesAreAcceptedAnd1025Rejected() {
        String ascii = pad(key("long-ascii-"), "k", 1024);
        String multiByte = pad(key("long-utf8-"), "é", 1024);
        for (String key : List.of(ascii, multiByte)) {
            assertEquals(1024, key.getBytes(StandardCharsets.UTF_8).length);
            assertWritten(node(0).putValue(key, "1024"), key);
            assertValues(node(1).get(key), key, "1024");
            assertOk(node(2).replicas(key));
            assertWritten(node(2).delete(key), key);

            String tooLong = key + "x";
            String before = snapshot(key);
            assertError(node(0).putValue(tooLong, "1025"), 400, "invalid_key");
            assertError(node(1).get(tooLong), 400, "invalid_key");
            assertError(node(2).delete(tooLong), 400, "invalid_key");
            assertError(node(0).replicas(tooLong), 400, "invalid_key");
            assertEquals(before, snapshot(key));
        }
    }

    /** Contexts are "an opaque string (URL-safe, no padding)" wherever they appear. */
    void contextsAreUrlSafeWithoutPadding() {
        String key = key("context-form");
        String put = assertWritten(node(0).putValue(key, "1"), key);
        String get = assertValues(node(1).get(key), key, "1");
        String delete = assertWritten(node(2).delete(key), key);
        String notFound = assertNotFound(node(0).get(key), true);
        for (String context : List.of(put, get, delete, notFound)) {
            assertFalse(context.contains("=") || context.contains("+") || context.contains("/"), context);
        }
    }

    // --- consistency parameters ---------------------------------------------------------------------

    /**
     * "r on reads, w on writes and deletes: an integer 1..N, or one, quorum (⌊N/2⌋+1) or all". Each
     * weak write is checked by a read of all replicas, so that R + W > N holds for every check.
     */
    void consistencyParametersAcceptNumbersAndWords() {
        List<String> levels = new ArrayList<>(List.of("one", "quorum", "all", "01", "003"));
        for (int n = 1; n <= cluster.n(); n++) {
            levels.add(Integer.toString(n));
        }
        String key = key("levels");
        assertWritten(node(0).put(key, "{\"value\":\"all\"}", "w=all"), key);
        int i = 0;
        for (String level : levels) {
            assertValues(node(i++).get(key, "r=" + level), key, "\"all\"");
            String putKey = key("levels-put-" + level);
            assertWritten(node(i++).put(putKey, "{\"value\":\"" + level + "\"}", "w=" + level), putKey);
            assertValues(node(i++).get(putKey, "r=all"), putKey, "\"" + level + "\"");
            String deleteKey = key("levels-delete-" + level);
            assertWritten(node(i++).putValue(deleteKey, "1"), deleteKey);
            assertWritten(node(i++).delete(deleteKey, null, "w=" + level), deleteKey);
            assertNotFound(node(i++).get(deleteKey, "r=all"), true);
        }
        // Unknown parameters, and parameters a route does not use, are ignored.
        assertOk(node(0).get(key, "w=bogus&timeout=x&foo=bar"));
        assertWritten(node(1).put(key, "{\"value\":\"x\"}", "r=bogus&r=twice"), key);
        assertWritten(node(2).delete(key, null, "r=bogus"), key);
    }

    // --- failures -----------------------------------------------------------------------------------

    /**
     * With {@code dead} nodes down: W=2 and R=2 (numbers and defaults) still succeed through every live
     * node; w=3, w=all, r=3, r=all and a delete with w=3 answer 503 unavailable with required=3 and
     * acknowledged ≤ 2, each within {@code bound}.
     */
    void quorumsWithOneNodeDown(Set<Integer> dead, Duration bound) {
        assertEquals(1, dead.size());
        for (int c = 0; c < nodes.size(); c++) {
            if (dead.contains(c)) {
                continue;
            }
            ApiClient coordinator = node(c);
            String key = key("one-down-" + c);
            assertWritten(coordinator.put(key, "{\"value\":\"w2\"}", "w=2"), key);
            String context = assertValues(coordinator.get(key, "r=2"), key, "\"w2\"");
            context = assertWritten(coordinator.put(key, "{\"value\":\"default\",\"context\":\"" + context + "\"}", ""), key);
            assertValues(coordinator.get(key), key, "\"default\"");

            for (String w : List.of("3", "all")) {
                Answer answer = coordinator.put(key, "{\"value\":\"w" + w + "\",\"context\":\"" + context + "\"}", "w=" + w);
                assertUnavailable(answer, 3);
                assertPrompt(answer, bound);
            }
            Answer delete = coordinator.delete(key, null, "w=3");
            assertUnavailable(delete, 3);
            assertPrompt(delete, bound);
            for (String r : List.of("3", "all")) {
                Answer answer = coordinator.get(key, "r=" + r);
                assertUnavailable(answer, 3);
                assertPrompt(answer, bound);
            }
            // "The write may still have been stored on some replicas": a later read may see it; it must still answer.
            Answer after = coordinator.get(key, "r=2");
            assertTrue(after.status() == 200 || after.status() == 404, after::toString);
            // The preference list names replicas "whether or not they are up".
            assertEquals(cluster.n(), assertOk(coordinator.replicas(key)).path("preference_list").size());
        }
    }

    private static void assertPrompt(Answer answer, Duration bound) {
        assertTrue(answer.took().compareTo(bound) <= 0,
                () -> answer + " took " + answer.took().toMillis() + " ms, more than " + bound.toMillis() + " ms");
    }
}
