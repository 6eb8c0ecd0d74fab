package io.kvorum.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the client knows of the cluster: the members (from {@code /cluster/members}), the ring (from
 * {@code /cluster/ring?tokens=true}) and which members it will not send to because a connection to
 * them just failed. {@link #refresh()} asks one reachable node for both views, and probes
 * {@code /health} of each member marked unreachable, which comes back once it answers. The snapshot
 * is immutable and swapped whole; one thread (the client's refresher) calls {@code refresh}, any
 * thread reads {@link #view()} and may {@link #markUnreachable}.
 */
final class Topology {
    /** An immutable snapshot: members by id (sorted), the ring or null, and the ids to send to. */
    record View(Map<String, Member> members, TokenRing ring, List<String> usable) {}

    private final ObjectMapper mapper;
    private final List<NodeAddress> contactPoints;
    private final int timeoutMillis;
    private final ClusterListener listener;
    private final ClientSecurity security;
    /** Refresh requests use one connection per node of their own, so a busy pool never delays them. */
    private final Map<NodeAddress, NodePool> probes = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final ReentrantLock publishLock = new ReentrantLock();
    private volatile View view = new View(Map.of(), null, List.of());
    private int next;

    Topology(ObjectMapper mapper, List<NodeAddress> contactPoints, int timeoutMillis, ClusterListener listener,
             ClientSecurity security) {
        this.security = security;
        this.mapper = mapper;
        this.contactPoints = List.copyOf(contactPoints);
        this.timeoutMillis = timeoutMillis;
        this.listener = listener;
    }

    View view() {
        return view;
    }

    /** Stops sending to {@code id} until a {@code /health} probe of it succeeds; true when it was usable. */
    boolean markUnreachable(String id) {
        if (!unreachable.add(id)) {
            return false;
        }
        publish(view.members(), view.ring());
        return true;
    }

    /**
     * Asks the known members (or the contact points) in turn until one gives its members and ring;
     * false when none answered. Then probes the members marked unreachable.
     */
    boolean refresh() {
        refreshLock.lock();
        try {
            return refreshOnce();
        } finally {
            refreshLock.unlock();
        }
    }

    private boolean refreshOnce() {
        List<NodeAddress> candidates = candidates();
        for (int i = 0; i < candidates.size(); i++) {
            NodeAddress address = candidates.get((next + i) % candidates.size());
            try {
                Map<String, Member> members = fetchMembers(address);
                TokenRing ring = fetchRing(address);
                next = (next + i + 1) % candidates.size();
                probeUnreachable(members);
                publish(members, ring);
                return true;
            } catch (IOException | RuntimeException e) {
                // try the next one: this node is down, shutting down or answered nonsense
            }
        }
        return false;
    }

    private List<NodeAddress> candidates() {
        List<NodeAddress> candidates = new ArrayList<>();
        View current = view;
        for (String id : current.usable()) {
            candidates.add(current.members().get(id).address());
        }
        current.members().values().forEach(m -> addOnce(candidates, m.address()));
        contactPoints.forEach(a -> addOnce(candidates, a));
        return candidates;
    }

    private static void addOnce(List<NodeAddress> list, NodeAddress address) {
        if (!list.contains(address)) {
            list.add(address);
        }
    }

    private Map<String, Member> fetchMembers(NodeAddress address) throws IOException {
        JsonNode json = get(address, "/cluster/members");
        Map<String, Member> members = new TreeMap<>();
        for (JsonNode m : json.path("members")) {
            String id = m.path("id").asText();
            try {
                NodeAddress http = NodeAddress.parse(m.path("http").asText());
                members.put(id, new Member(id, http, m.path("status").asText(), false));
            } catch (IllegalArgumentException e) {
                // a member without a usable HTTP address cannot be sent to; the others still can
            }
        }
        if (members.isEmpty()) {
            throw new IOException(address + " lists no members");
        }
        return members;
    }

    /** The ring, or null when the node does not give tokens or uses a partitioner this client does not know. */
    private TokenRing fetchRing(NodeAddress address) throws IOException {
        JsonNode json = get(address, "/cluster/ring?tokens=true");
        if (!TokenRing.MURMUR3.equals(json.path("partitioner").asText(null))) {
            return null;
        }
        Map<String, List<Long>> tokens = new LinkedHashMap<>();
        for (JsonNode owner : json.path("owners")) {
            List<Long> ownerTokens = new ArrayList<>();
            owner.path("tokens").forEach(t -> ownerTokens.add(Long.parseLong(t.asText())));
            tokens.put(owner.path("id").asText(), ownerTokens);
        }
        return tokens.isEmpty() ? null : TokenRing.of(tokens, json.path("n").asInt(3));
    }

    private void probeUnreachable(Map<String, Member> members) {
        for (String id : List.copyOf(unreachable)) {
            Member member = members.get(id);
            if (member == null) {
                unreachable.remove(id);
                continue;
            }
            try {
                get(member.address(), "/health");
                unreachable.remove(id);
            } catch (IOException | RuntimeException e) {
                // still unreachable: keep it out
            }
        }
    }

    private JsonNode get(NodeAddress address, String path) throws IOException {
        NodePool pool = probes.computeIfAbsent(address, a -> new NodePool(a, 1, timeoutMillis, HttpConnection.BODY_BYTES_MAX, security));
        HttpConnection.Answer answer = pool.exchange("GET", path, null, timeoutMillis);
        if (answer.status() != 200) {
            throw new IOException(address + path + " answered " + answer.status());
        }
        return mapper.readTree(answer.body());
    }

    /** Swaps in the new snapshot and tells the listener what changed, under a lock so that events keep their order. */
    private void publish(Map<String, Member> fetched, TokenRing ring) {
        publishLock.lock();
        try {
            publishLocked(fetched, ring);
        } finally {
            publishLock.unlock();
        }
    }

    private void publishLocked(Map<String, Member> fetched, TokenRing ring) {
        View before = view;
        Map<String, Member> members = new TreeMap<>();
        List<String> usable = new ArrayList<>();
        fetched.forEach((id, m) -> {
            boolean canUse = m.status().equals("up") && !unreachable.contains(id);
            members.put(id, new Member(id, m.address(), m.status(), canUse));
            if (canUse) {
                usable.add(id);
            }
        });
        View after = new View(java.util.Collections.unmodifiableMap(members), ring, List.copyOf(usable));
        view = after;
        notifyChanges(before, after);
    }

    private void notifyChanges(View before, View after) {
        try {
            after.members().forEach((id, m) -> {
                Member old = before.members().get(id);
                if (old == null) {
                    listener.onMemberAdded(m);
                }
                if (m.usable() && (old == null || !old.usable())) {
                    listener.onMemberUp(m);
                } else if (!m.usable() && (old == null || old.usable())) {
                    listener.onMemberDown(m);
                }
            });
            before.members().forEach((id, m) -> {
                if (!after.members().containsKey(id)) {
                    listener.onMemberRemoved(m);
                }
            });
            if (after.ring() != null && !after.ring().equals(before.ring())) {
                listener.onRingChanged(after.ring().nodes().size(), after.ring().tokenCount());
            }
        } catch (RuntimeException e) {
            // a listener's failure must not stop routing; the listener keeps being called
        }
    }

    void close() {
        probes.values().forEach(NodePool::close);
    }
}
