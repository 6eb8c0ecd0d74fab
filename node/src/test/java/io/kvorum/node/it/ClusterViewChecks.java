package io.kvorum.node.it;

import static io.kvorum.node.it.ApiAssertions.assertError;
import static io.kvorum.node.it.ApiAssertions.assertOk;
import static io.kvorum.node.it.ApiAssertions.assertWritten;
import static io.kvorum.node.it.ApiAssertions.fieldNames;
import static io.kvorum.node.it.ApiClient.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvorum.node.it.ApiClient.Answer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The operator's routes of api.md: {@code /kv/{key}/replicas}, {@code /health}, {@code /cluster/members},
 * {@code /cluster/ring} and {@code /metrics}, checked on every node and for agreement between nodes.
 */
final class ClusterViewChecks extends ClusterChecks {
    ClusterViewChecks(Cluster cluster) {
        super(cluster);
    }

    /** "GET /kv/{key}/replicas → preference_list: the first N distinct physical nodes ... n: N", the same from every node. */
    void replicasListNDistinctNodesTheSameFromEveryNode() {
        Set<String> members = Set.copyOf(nodeIds());
        for (String name : List.of("replica-a", "replica-b", "a/b", "café", "")) {
            String key = key(name);
            List<String> first = null;
            for (ApiClient node : nodes) {
                JsonNode json = assertOk(node.replicas(key));
                assertEquals(Set.of("key", "preference_list", "n"), fieldNames(json));
                assertEquals(key, json.path("key").asText());
                assertEquals(cluster.n(), json.path("n").asInt());
                List<String> list = new ArrayList<>();
                json.path("preference_list").forEach(id -> list.add(id.asText()));
                assertEquals(cluster.n(), list.size(), json::toString);
                assertEquals(cluster.n(), new HashSet<>(list).size(), () -> "not distinct: " + json);
                assertTrue(members.containsAll(list), () -> json + " names a node that is not a member of " + members);
                if (first == null) {
                    first = list;
                } else {
                    assertEquals(first, list, "every node must compute the same preference list");
                }
            }
        }
        // The route exists only for a key: a bad one is invalid_key, a missing one too.
        assertError(node(0).get(raw("/kv/%FF/replicas")), 400, "invalid_key");
        assertError(node(1).get(raw("/kv/" + pad("", "r", 1025) + "/replicas")), 400, "invalid_key");
    }

    /** "GET /health → 200 {"status": "ok", "node": "<node id>"} while the node serves requests." */
    void healthNamesEachNode() {
        List<String> ids = new ArrayList<>();
        for (ApiClient node : nodes) {
            JsonNode json = assertOk(node.get(raw("/health")));
            assertEquals("ok", json.path("status").asText(), json::toString);
            assertTrue(json.path("node").isTextual() && !json.get("node").asText().isEmpty(), json::toString);
            ids.add(json.get("node").asText());
        }
        assertEquals(nodes.size(), Set.copyOf(ids).size(), () -> "node ids are not distinct: " + ids);
    }

    /** "GET /cluster/members → self, members [{id, http, status, phi}]": every node sees every node up. */
    void membersListsEveryNodeUp() {
        List<String> ids = nodeIds();
        Set<String> addresses = new HashSet<>();
        nodes.forEach(node -> addresses.add(node.hostPort()));
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode json = assertOk(node(i).get(raw("/cluster/members")));
            assertEquals(ids.get(i), json.path("self").asText(), json::toString);
            Set<String> seenIds = new HashSet<>();
            Set<String> seenAddresses = new HashSet<>();
            for (JsonNode member : json.path("members")) {
                assertEquals(Set.of("id", "http", "internode", "status", "phi"), fieldNames(member), member::toString);
                seenIds.add(member.path("id").asText());
                seenAddresses.add(member.path("http").asText());
                assertTrue(member.path("http").asText().matches("[^:/]+:\\d+"), member::toString);
                assertTrue(member.path("internode").asText().matches("[^:/]+:\\d+"), member::toString);
                assertEquals("up", member.path("status").asText(), member::toString);
                JsonNode phi = member.get("phi");
                // null while the detector has no figure (api-reference 22); otherwise a finite suspicion level
                assertTrue(phi.isNull() || (phi.isNumber() && phi.asDouble() >= 0), member::toString);
            }
            assertEquals(Set.copyOf(ids), seenIds, json::toString);
            assertEquals(addresses, seenAddresses, json::toString);
        }
    }

    /** The failure detector has a figure for every peer (low: they are all up); a node has none for itself. */
    void membersCarryPhiFromTheFailureDetector() {
        List<String> ids = nodeIds();
        for (int i = 0; i < nodes.size(); i++) {
            for (JsonNode member : assertOk(node(i).get(raw("/cluster/members"))).path("members")) {
                JsonNode phi = member.get("phi");
                if (member.path("id").asText().equals(ids.get(i))) {
                    assertTrue(phi.isNull(), member::toString);
                } else {
                    assertTrue(phi.isNumber() && phi.asDouble() < 8, member::toString);
                }
            }
        }
    }

    /** "GET /cluster/ring → {vnodes_per_node: V, n: N, owners: [{id, share 0..1}]}"; shares sum to 1. */
    void ringSharesSumToOne(OptionalInt vnodesPerNode) {
        Set<String> ids = Set.copyOf(nodeIds());
        String first = null;
        for (ApiClient node : nodes) {
            Answer answer = node.get(raw("/cluster/ring"));
            JsonNode json = assertOk(answer);
            assertEquals(Set.of("vnodes_per_node", "n", "owners"), fieldNames(json));
            assertTrue(json.path("vnodes_per_node").isInt() && json.get("vnodes_per_node").asInt() > 0, json::toString);
            if (vnodesPerNode.isPresent()) {
                assertEquals(vnodesPerNode.getAsInt(), json.path("vnodes_per_node").asInt(), json::toString);
            }
            assertEquals(cluster.n(), json.path("n").asInt(), json::toString);
            double sum = 0;
            Set<String> owners = new HashSet<>();
            for (JsonNode owner : json.path("owners")) {
                double share = owner.path("share").asDouble(-1);
                assertTrue(owner.path("share").isNumber() && share > 0 && share <= 1, owner::toString);
                owners.add(owner.path("id").asText());
                sum += share;
            }
            assertEquals(ids, owners, json::toString);
            // Each share is rounded to 4 decimals (issue 19), so the sum is 1 within half a ten-thousandth per owner.
            assertEquals(1.0, sum, 0.00005 * owners.size() + 1e-9, json::toString);
            if (first == null) {
                first = answer.body();
            } else {
                assertEquals(first, answer.body(), "every node must see the same ring");
            }
        }
    }

    /** "GET /metrics → Dropwizard registry as JSON (timers for get/put/delete with percentiles, counters ...)". */
    void metricsHaveOperationTimersAndCounters() {
        for (int i = 0; i < nodes.size(); i++) {
            String key = key("metrics-" + i);
            assertWritten(node(i).putValue(key, "1"), key);
            assertOk(node(i).get(key));
            assertWritten(node(i).delete(key), key);
            JsonNode json = assertOk(node(i).get(raw("/metrics")));
            for (String timer : List.of("kv.get", "kv.put", "kv.delete")) {
                JsonNode t = json.path("timers").path(timer);
                ApiClient node = node(i);
                assertTrue(t.path("count").asLong() >= 1, () -> timer + " on " + node.base() + ": " + t);
                for (String field : List.of("p50", "p75", "p95", "p99", "p999", "max", "mean", "min", "m1_rate", "duration_units")) {
                    assertTrue(t.has(field), () -> timer + " has no " + field + ": " + t);
                }
            }
            for (String counter : List.of("kv.quorum-failures.read", "kv.quorum-failures.write", "kv.read-repairs")) {
                assertTrue(json.path("counters").path(counter).path("count").isNumber(), () -> "no counter " + counter + ": " + json);
            }
        }
    }
}
