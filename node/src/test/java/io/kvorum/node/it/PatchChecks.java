package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static io.kvorum.node.it.ApiAssertions.assertValues;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.Answer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PATCH /kv/{key}} (api.md v1.1) on a real cluster: a JSON Merge Patch (RFC 7396) applied by the
 * coordinator to the one live value, written with the read's context; 409 {@code conflict} with the
 * siblings and their context; bad bodies are 400 and change nothing.
 */
final class PatchChecks extends ClusterChecks {
    PatchChecks(Cluster cluster) {
        super(cluster);
    }

    /** Create, merge, remove a member, replace by a non-object: each through another node, each read back everywhere. */
    void patchesMergeIntoTheOneValueThroughAnyNode() {
        String key = key("patch-merge");
        String context = assertWritten(node(0).patch(key, "{\"patch\": {\"name\": \"Ada\", \"langs\": [\"en\"]}}", ""), key);
        assertValuesEverywhere(key, "{\"name\":\"Ada\",\"langs\":[\"en\"]}");
        assertWritten(node(1).patch(key, "{\"patch\": {\"langs\": [\"en\", \"fr\"], \"born\": 1815, \"x\": {\"y\": 1.50}}}",
                "w=all"), key);
        assertValuesEverywhere(key, "{\"name\":\"Ada\",\"langs\":[\"en\",\"fr\"],\"born\":1815,\"x\":{\"y\":1.50}}");
        assertWritten(node(2).patch(key, "{\"patch\": {\"name\": null, \"x\": {\"y\": null, \"z\": true}}}", "r=all&w=all"), key);
        assertValuesEverywhere(key, "{\"langs\":[\"en\",\"fr\"],\"born\":1815,\"x\":{\"z\":true}}");
        assertWritten(node(0).patch(key, "{\"patch\": [1, 2]}", ""), key);
        assertValuesEverywhere(key, "[1,2]");
        assertWritten(node(1).patch(key, "{\"patch\": {\"a\": 1}}", ""), key);
        assertValuesEverywhere(key, "{\"a\":1}");
        assertEquals(1, node(2).get(key, "r=all").rawValues().size(), "a PATCH left a sibling behind (context " + context + ")");
    }

    /** A deleted key is patched as {@code {}}; the write supersedes the tombstone. */
    void aDeletedKeyIsPatchedAsAnEmptyObject() {
        String key = key("patch-deleted");
        assertWritten(node(0).putValue(key, "{\"old\": true}"), key);
        assertWritten(node(1).delete(key), key);
        assertWritten(node(2).patch(key, "{\"patch\": {\"new\": true, \"old\": null}}", ""), key);
        assertValuesEverywhere(key, "{\"new\":true}");
    }

    /** Siblings: 409 conflict listing them and their context, nothing written; a PUT with that context resolves. */
    void siblingsAreA409ConflictAndTheirContextResolves() {
        String key = key("patch-siblings");
        assertWritten(node(0).putValue(key, "{\"a\": 1}"), key);
        assertWritten(node(1).putValue(key, "{\"b\": 2}"), key);
        String before = snapshot(key);
        Answer conflict = node(2).patch(key, "{\"patch\": {\"c\": 3}}", "");
        JsonNode body = assertError(conflict, 409, "conflict");
        assertEquals(2, body.path("values").size(), conflict::toString);
        assertEquals(before, snapshot(key), "a conflicting PATCH changed the key");
        String context = body.path("context").asText();
        assertWritten(node(0).put(key, "{\"value\": {\"a\": 1, \"b\": 2}, \"context\": \"" + context + "\"}"), key);
        assertWritten(node(1).patch(key, "{\"patch\": {\"c\": 3}}", ""), key);
        assertValuesEverywhere(key, "{\"a\":1,\"b\":2,\"c\":3}");
    }

    /** A context in the body is a precondition: a stale one is 409 and writes nothing, the current one applies. */
    void aStaleContextIsA409ConflictAndTheCurrentOneApplies() {
        String key = key("patch-precondition");
        assertWritten(node(0).putValue(key, "{\"n\": 1}"), key);
        String seen = node(1).get(key).context();
        assertWritten(node(2).put(key, "{\"value\": {\"n\": 2}, \"context\": \"" + seen + "\"}"), key);
        Answer stale = node(0).patch(key, "{\"patch\": {\"m\": 1}, \"context\": \"" + seen + "\"}", "");
        JsonNode body = assertError(stale, 409, "conflict");
        assertEquals(1, body.path("values").size(), stale::toString);
        assertEquals(2, body.path("values").get(0).path("n").asInt(), stale::toString);
        String current = body.path("context").asText();
        assertWritten(node(1).patch(key, "{\"patch\": {\"m\": 1}, \"context\": \"" + current + "\"}", ""), key);
        assertValuesEverywhere(key, "{\"n\":2,\"m\":1}");
    }

    /** Bad bodies, contexts and parameters are 400 (and a patched value over the limit 413); none changes the key. */
    void badPatchesAre4xxAndChangeNothing() {
        String key = key("patch-bad");
        assertWritten(node(0).putValue(key, "{\"keep\": 1}"), key);
        String before = snapshot(key);
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] {"", "", "invalid_json"});
        cases.add(new String[] {"{\"patch\": {\"a\": }", "", "invalid_json"});
        cases.add(new String[] {"[{\"patch\": {}}]", "", "invalid_json"});
        cases.add(new String[] {"{\"value\": {\"a\": 1}}", "", "invalid_json"});
        cases.add(new String[] {"{\"patch\": {}, \"patch\": {}}", "", "invalid_json"});
        cases.add(new String[] {"{\"patch\": {\"a\": 1}, \"context\": \"%%%\"}", "", "invalid_context"});
        cases.add(new String[] {"{\"patch\": {\"a\": 1}, \"context\": 7}", "", "invalid_json"});
        cases.add(new String[] {"{\"patch\": {\"a\": 1}}", "r=9", "invalid_parameter"});
        cases.add(new String[] {"{\"patch\": {\"a\": 1}}", "w=most", "invalid_parameter"});
        for (String[] c : cases) {
            assertError(node(1).patch(key, c[0], c[1]), 400, c[2]);
        }
        String half = "\"" + "x".repeat(600 * 1024) + "\"";
        assertWritten(node(2).patch(key, "{\"patch\": {\"big1\": " + half + "}}", ""), key);
        String grown = snapshot(key);
        assertError(node(2).patch(key, "{\"patch\": {\"big2\": " + half + "}}", ""), 413, "value_too_large");
        assertEquals(grown, snapshot(key), "a PATCH refused as too large changed the key");
        assertEquals(false, before.equals(grown));
    }

    private void assertValuesEverywhere(String key, String value) {
        for (ApiClient node : nodes) {
            assertValues(node.get(key, "r=all"), key, value);
        }
    }
}
