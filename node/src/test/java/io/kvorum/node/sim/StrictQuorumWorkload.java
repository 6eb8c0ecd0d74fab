package io.kvorum.node.sim;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Strict quorums while the membership changes: writers write distinct keys with W strict
 * (sloppy=false), and as soon as a write is acknowledged a read with R strict (R + W > N) starts at
 * a random live node and must return it; re-readers read random keys acknowledged earlier, which
 * must still be there as ranges move. A read that answers "not found" (or without the value) is a
 * miss; an unavailable read is only counted (a quorum may be out of reach, but a quorum that
 * answers must not be wrong).
 */
final class StrictQuorumWorkload {
    private final Simulator sim;
    private final Supplier<String> phase;
    private final List<Key> acknowledged = new ArrayList<>();
    private final List<String> misses = new ArrayList<>();
    /** How each acknowledged write went: its coordinator, when and with which plan, for the report of a miss. */
    private final java.util.Map<Key, String> written = new java.util.HashMap<>(); // lookups only
    private boolean running;
    private long nextKey;
    private long writesUnavailable;
    private long readsFound;
    private long readsUnavailable;

    /** @param phase names what is going on (the change in flight), for the report of a miss */
    StrictQuorumWorkload(Simulator sim, Supplier<String> phase) {
        this.sim = sim;
        this.phase = phase;
    }

    void start(int writers, int rereaders) {
        running = true;
        for (int i = 0; i < writers; i++) {
            int writer = i;
            sim.schedule(sim.random().nextLong(20), "strict writer " + writer, () -> write(writer));
        }
        for (int i = 0; i < rereaders; i++) {
            int reader = i;
            sim.schedule(sim.random().nextLong(20), "strict re-reader " + reader, () -> reread(reader));
        }
    }

    void stop() {
        running = false;
    }

    List<Key> acknowledged() {
        return acknowledged;
    }

    List<String> misses() {
        return misses;
    }

    long readsFound() {
        return readsFound;
    }

    String summary() {
        return "strict writes acknowledged=" + acknowledged.size() + " unavailable=" + writesUnavailable + "; strict reads found="
                + readsFound + " unavailable=" + readsUnavailable + " missed=" + misses.size();
    }

    /** Reads {@code key} with R strict at a random live node; a miss is recorded with {@code why}. */
    void check(Key key, String why, Runnable then) {
        NodeId reader = liveNode();
        sim.read(reader, key, sim.config().r(), false, outcome -> {
            switch (outcome) {
                case ReadOutcome.Found found -> {
                    if (found.values().stream().anyMatch(s -> s.value().equals(value(key)))) {
                        readsFound++;
                    } else {
                        misses.add(key + " read at " + reader + " (" + why + ") at " + sim.nowMillis() + " ms during "
                                + phase.get() + ": found other values " + found.values());
                    }
                }
                case ReadOutcome.NotFound notFound -> misses.add(key + " read at " + reader + " (" + why + ") at "
                        + sim.nowMillis() + " ms during " + phase.get() + ": not found; replicas "
                        + sim.preferenceList(reader, key) + ", plan " + sim.plan(reader).map(p -> p.reason() + " of " + p.subject())
                        .orElse("none") + "; stored: " + sim.storedEverywhere(key) + "; " + written.getOrDefault(key, "never written"));
                case ReadOutcome.Unavailable unavailable -> readsUnavailable++;
            }
            then.run();
        });
    }

    private void write(int writer) {
        if (!running) {
            return;
        }
        Key key = Key.of("strict-" + nextKey++);
        Runnable again = once(() -> sim.schedule(sim.random().nextLong(1, 20), "strict writer " + writer, () -> write(writer)));
        // A client gives up on a request whose coordinator died, as a real client times out.
        sim.schedule(sim.config().requestTimeoutMillis() * 4, "strict writer " + writer + " watchdog", again);
        NodeId coordinator = liveNode();
        long startedMillis = sim.nowMillis();
        String plan = sim.plan(coordinator).map(p -> p.reason() + " of " + p.subject()).orElse("none");
        sim.write(coordinator, key, Optional.of(value(key)), Optional.empty(), sim.config().w(), false, outcome -> {
            switch (outcome) {
                case WriteOutcome.Written ok -> {
                    written.put(key, "written at " + coordinator + " from " + startedMillis + " ms (plan " + plan + ", replicas "
                            + sim.preferenceList(coordinator, key) + ") to " + sim.nowMillis() + " ms");
                    acknowledged.add(key);
                    check(key, "right after its write was acknowledged", again);
                }
                case WriteOutcome.Unavailable unavailable -> {
                    writesUnavailable++;
                    again.run();
                }
                case WriteOutcome.Refused refused -> throw new AssertionError("a strict write of a small value was refused: " + refused);
            }
        });
    }

    private void reread(int reader) {
        if (!running) {
            return;
        }
        Runnable again = once(() -> sim.schedule(sim.random().nextLong(5, 30), "strict re-reader " + reader, () -> reread(reader)));
        sim.schedule(sim.config().requestTimeoutMillis() * 4, "strict re-reader " + reader + " watchdog", again);
        if (acknowledged.isEmpty()) {
            again.run();
            return;
        }
        check(acknowledged.get(sim.random().nextInt(acknowledged.size())), "acknowledged earlier", again);
    }

    private NodeId liveNode() {
        List<NodeId> live = sim.nodeIds().stream().filter(sim::isUp).toList();
        return live.get(sim.random().nextInt(live.size()));
    }

    private static Bytes value(Key key) {
        return Bytes.utf8("value of " + key);
    }

    private static Runnable once(Runnable action) {
        boolean[] done = {false};
        return () -> {
            if (!done[0]) {
                done[0] = true;
                action.run();
            }
        };
    }
}
