package io.kvorum.node.sim;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.ValuePatch;
import io.kvorum.node.protocol.WriteOutcome;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Sibling;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Jepsen-style set workload: clients add unique elements to a few keys by read-modify-write with
 * contexts (reading every sibling, taking their union, adding one element, writing with the read's
 * context). Careless clients add elements by blind writes (no context), each a new sibling, so keys
 * reach their sibling limit; the read-modify-write clients' next write, whose context covers every
 * sibling, brings them back. Every other client adds its element by a PATCH instead (a set-add
 * patch: the coordinator reads, adds the element to the one live set and writes with the read's
 * context), resolving a 409 by the union of the siblings it lists, written with their context.
 * An element whose write was acknowledged must be in the final set; an
 * element nobody tried to add, or whose write was refused for a key limit, must never appear.
 */
final class SetWorkload {
    private final Simulator sim;
    private final List<Key> keys = new ArrayList<>();
    private final Map<Key, TreeSet<Long>> attempted = new TreeMap<>();
    private final Map<Key, TreeSet<Long>> acknowledged = new TreeMap<>();
    private final Map<Key, TreeSet<Long>> refused = new TreeMap<>();
    private long nextElement = 1;
    private long writesAcknowledged;
    private long writesUnavailable;
    private long writesRefused;
    private long readsUnavailable;
    private long patchesApplied;
    private long patchConflicts;

    SetWorkload(Simulator sim) {
        this.sim = sim;
        for (int i = 0; i < sim.config().keys(); i++) {
            Key key = Key.of("set-" + i);
            keys.add(key);
            attempted.put(key, new TreeSet<>());
            acknowledged.put(key, new TreeSet<>());
            refused.put(key, new TreeSet<>());
        }
    }

    List<Key> keys() {
        return keys;
    }

    Map<Key, TreeSet<Long>> attempted() {
        return attempted;
    }

    Map<Key, TreeSet<Long>> acknowledged() {
        return acknowledged;
    }

    /** Elements whose write a key limit refused: nothing was stored, so they must never appear. */
    Map<Key, TreeSet<Long>> refused() {
        return refused;
    }

    long writesRefused() {
        return writesRefused;
    }

    long patchesApplied() {
        return patchesApplied;
    }

    long patchConflicts() {
        return patchConflicts;
    }

    String summary() {
        return "writes acknowledged=" + writesAcknowledged + " unavailable=" + writesUnavailable + " refused=" + writesRefused
                + ", reads unavailable=" + readsUnavailable + ", patches applied=" + patchesApplied + " conflicts=" + patchConflicts;
    }

    void start() {
        for (int client = 0; client < sim.config().clients(); client++) {
            int c = client;
            sim.schedule(sim.random().nextLong(100), "client " + c, () -> next(c));
        }
        for (int writer = 0; writer < sim.config().blindWriters(); writer++) {
            int b = writer;
            sim.schedule(sim.random().nextLong(100), "blind writer " + b, () -> nextBlind(b));
        }
    }

    /** One blind write of a fresh one-element set, then the next soon after, until the workload ends. */
    private void nextBlind(int writer) {
        loop("blind writer " + writer, 5, 60, () -> nextBlind(writer), (key, coordinator, again) -> {
            long element = nextElement++;
            attempted.get(key).add(element);
            sim.write(coordinator, key, Optional.of(encode(new TreeSet<>(List.of(element)))), Optional.empty(), sim.config().w(),
                    written -> {
                        record(key, element, written);
                        again.run();
                    });
        });
    }

    /** One request of a client, given its key, its coordinator and what to call when it is over. */
    private interface Request {
        void send(Key key, NodeId coordinator, Runnable again);
    }

    /**
     * One request of {@code client} to a random key through a random coordinator, then {@code next}
     * after a think time of {@code thinkMinMillis} up to {@code thinkMaxMillis}, until the workload ends.
     */
    private void loop(String client, long thinkMinMillis, long thinkMaxMillis, Runnable next, Request request) {
        if (sim.nowMillis() > sim.config().workloadMillis()) {
            return;
        }
        Key key = keys.get(sim.random().nextInt(keys.size()));
        NodeId coordinator = sim.nodeIds().get(sim.random().nextInt(sim.nodeIds().size()));
        boolean[] finished = {false};
        Runnable again = () -> {
            if (!finished[0]) {
                finished[0] = true;
                sim.schedule(sim.random().nextLong(thinkMinMillis, thinkMaxMillis), client, next);
            }
        };
        // A client gives up on a request whose coordinator crashed, as a real client times out.
        sim.schedule(sim.config().requestTimeoutMillis() * 4, client + " watchdog", again);
        request.send(key, coordinator, again);
    }

    private void record(Key key, long element, WriteOutcome outcome) {
        switch (outcome) {
            case WriteOutcome.Written written -> {
                acknowledged.get(key).add(element);
                writesAcknowledged++;
            }
            case WriteOutcome.Unavailable unavailable -> writesUnavailable++;
            case WriteOutcome.Refused limit -> {
                refused.get(key).add(element);
                writesRefused++;
            }
        }
    }

    /** One read-modify-write (a PATCH, for odd clients), then the next after a short think time, until the workload ends. */
    private void next(int client) {
        loop("client " + client, 10, 200, () -> next(client), (key, coordinator, again) -> {
            if (client % 2 == 0) {
                sim.read(coordinator, key, sim.config().r(), outcome -> afterRead(coordinator, key, outcome, again));
            } else {
                patch(coordinator, key, again);
            }
        });
    }

    /** A PATCH adding one element to the one live set; siblings (409) are resolved by their union, written with their context. */
    private void patch(NodeId coordinator, Key key, Runnable again) {
        long element = nextElement++;
        attempted.get(key).add(element);
        ValuePatch add = current -> {
            TreeSet<Long> set = current.map(SetWorkload::parse).orElseGet(TreeSet::new);
            set.add(element);
            return new ValuePatch.Patched.Value(encode(set));
        };
        sim.patch(coordinator, key, add, outcome -> {
            switch (outcome) {
                case PatchOutcome.Applied applied -> {
                    patchesApplied++;
                    record(key, element, applied.write());
                    again.run();
                }
                case PatchOutcome.Conflict conflict -> {
                    patchConflicts++;
                    TreeSet<Long> union = new TreeSet<>();
                    conflict.values().forEach(sibling -> union.addAll(parse(sibling)));
                    write(coordinator, key, element, union, Optional.of(conflict.context()), again);
                }
                case PatchOutcome.ReadUnavailable unavailable -> {
                    readsUnavailable++;
                    again.run();
                }
                case PatchOutcome.TooLarge tooLarge -> throw new IllegalStateException("a set-add patch has no size limit: " + tooLarge);
            }
        });
    }

    private void afterRead(NodeId coordinator, Key key, ReadOutcome outcome, Runnable again) {
        TreeSet<Long> set = new TreeSet<>();
        Optional<CausalContext> context = Optional.empty();
        switch (outcome) {
            case ReadOutcome.Found found -> {
                found.values().forEach(s -> set.addAll(parse(s)));
                context = Optional.of(found.context());
            }
            case ReadOutcome.NotFound notFound -> context = Optional.of(notFound.context());
            case ReadOutcome.Unavailable u -> {
                readsUnavailable++;
                again.run();
                return;
            }
        }
        long element = nextElement++;
        attempted.get(key).add(element);
        write(coordinator, key, element, set, context, again);
    }

    /** Writes {@code set} plus {@code element} with {@code context}, records the outcome, then goes on. */
    private void write(NodeId coordinator, Key key, long element, TreeSet<Long> set, Optional<CausalContext> context, Runnable again) {
        set.add(element);
        sim.write(coordinator, key, Optional.of(encode(set)), context, sim.config().w(), written -> {
            record(key, element, written);
            again.run();
        });
    }

    static TreeSet<Long> parse(Sibling sibling) {
        return parse(sibling.value());
    }

    static TreeSet<Long> parse(Bytes value) {
        String text = value.utf8String();
        TreeSet<Long> set = new TreeSet<>();
        String body = text.substring(1, text.length() - 1).trim();
        if (!body.isEmpty()) {
            for (String part : body.split(",")) {
                set.add(Long.parseLong(part.trim()));
            }
        }
        return set;
    }

    static Bytes encode(TreeSet<Long> set) {
        return Bytes.utf8(set.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]")));
    }
}
