package io.kvorum.node.core;

import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.WriteOutcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.node.core.ScriptedCluster.ClientReply;
import io.kvorum.node.core.ScriptedCluster.Envelope;
import io.kvorum.node.core.ScriptedCluster.IssuedVersion;
import io.kvorum.storage.version.CausalContext;
import io.kvorum.storage.version.Seeds;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random schedules of client writes, deletes and reads on a {@link ScriptedCluster} whose
 * network delivers in random order, drops, duplicates and refuses, and whose disks complete in
 * random order; then the cluster heals (everything delivered, every key read with r=3, repairs
 * applied) and the architecture's invariants are checked:
 * <ul>
 *   <li>no acknowledged write is lost: every value whose write was answered {@code Written} is
 *       returned by a read at every coordinator unless a write whose context held its dot superseded it;</li>
 *   <li>more strictly, every version any engine issued is, after healing, live exactly when no
 *       write's context held its dot (no lost write, no resurrection);</li>
 *   <li>no read hides a live version: a dot in a read's context that the read did not return was
 *       superseded by a write issued before the read answered;</li>
 *   <li>convergence: every replica of a key holds the same state, and non-replicas hold none.</li>
 * </ul>
 * Replay a failure with {@code -Dkvorum.test.seed=<seed>}.
 */
class NodeCoreRandomScheduleTest {
    private static final int STEPS = 300;
    private static final int KEYS = 3;

    @Test
    void randomSchedulesOnThreeNodesLoseNoAcknowledgedWriteAndConverge() {
        Seeds.forEach(0x5C4E_D001L, 150, (seed, random) -> new Schedule(random, 3).run());
    }

    @Test
    void randomSchedulesOnFiveNodesWithForwardingLoseNoAcknowledgedWriteAndConverge() {
        Seeds.forEach(0x5C4E_D002L, 60, (seed, random) -> new Schedule(random, 5).run());
    }

    @Test
    void sameSeedReplaysTheSameSchedule() {
        Seeds.forEach(0x5C4E_D003L, 5, (seed, random) -> {
            Schedule once = new Schedule(new SplittableRandom(seed), 3);
            once.run();
            Schedule again = new Schedule(new SplittableRandom(seed), 3);
            again.run();
            assertEquals(once.cluster.replies(), again.cluster.replies());
            assertEquals(once.cluster.issued(), again.cluster.issued());
        });
    }

    /** One client request: its key, and the value it wrote (empty for a delete); reads have no value. */
    private record ClientOp(Key key, boolean read, Optional<String> value) {}

    /** One seeded run: random actions, heal, checks. */
    private static final class Schedule {
        private final RandomGenerator random;
        private final ScriptedCluster cluster;
        private final List<Key> keys = new ArrayList<>();
        private final Map<Long, ClientOp> ops = new HashMap<>();
        private final Map<Key, List<CausalContext>> learned = new HashMap<>();
        private final Set<String> acknowledged = new TreeSet<>();
        private int repliesSeen;
        private int nextValue;

        Schedule(RandomGenerator random, int nodeCount) {
            this.random = random;
            this.cluster = new ScriptedCluster(nodeCount, 3);
            for (int i = 0; i < KEYS; i++) {
                keys.add(Key.of("key-" + i));
                learned.put(keys.get(i), new ArrayList<>());
            }
            cluster.holdStorage(true);
        }

        void run() {
            try {
                for (int step = 0; step < STEPS; step++) {
                    act();
                    takeReplies();
                }
                heal();
                checkConvergence();
                checkVersionsAfterHealing();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n--- last events ---\n" + cluster.traceTail(40), e);
            }
        }

        // ---- the schedule ----

        private void act() {
            int dice = random.nextInt(100);
            if (dice < 12) {
                clientWrite(Optional.of("v" + nextValue++));
            } else if (dice < 16) {
                clientWrite(Optional.empty());
            } else if (dice < 24) {
                Key key = pick(keys);
                ops.put(cluster.read(pick(cluster.nodes()), key, 1 + random.nextInt(3), timeoutMillis()), new ClientOp(key, true, Optional.empty()));
            } else if (dice < 90) {
                network(dice);
            } else {
                cluster.advanceMillis(1 + random.nextInt(40));
            }
        }

        private void clientWrite(Optional<String> value) {
            Key key = pick(keys);
            List<CausalContext> known = learned.get(key);
            Optional<CausalContext> context = known.isEmpty() || random.nextInt(10) < 3 ? Optional.empty() : Optional.of(pick(known));
            long id = cluster.write(pick(cluster.nodes()), key, value.map(Bytes::utf8), context, 1 + random.nextInt(3), timeoutMillis());
            ops.put(id, new ClientOp(key, false, value));
        }

        /** Dice 24..89: deliver (most), drop, duplicate or refuse a message, or complete a storage operation. */
        private void network(int dice) {
            List<Envelope> inFlight = cluster.inFlight();
            List<ScriptedCluster.PendingStorage> pending = cluster.pendingStorage();
            if (dice >= 66 && !pending.isEmpty()) {
                cluster.completeStorage(pick(pending));
            } else if (!inFlight.isEmpty()) {
                Envelope envelope = pick(inFlight);
                if (dice < 58 || dice >= 66) {
                    cluster.deliver(envelope);
                } else if (dice < 61) {
                    cluster.drop(envelope);
                } else if (dice < 64) {
                    cluster.duplicate(envelope);
                } else {
                    cluster.failSend(envelope);
                }
            }
        }

        /** Everything delivered and completed, every deadline passed, every key read with r=3 and repaired. */
        private void heal() {
            quiesce();
            for (Key key : keys) {
                ops.put(cluster.read(pick(cluster.nodes()), key, 3), new ClientOp(key, true, Optional.empty()));
                quiesce();
            }
            takeReplies();
        }

        private void quiesce() {
            while (!cluster.inFlight().isEmpty() || !cluster.pendingStorage().isEmpty() || cluster.timersArmed() > 0) {
                cluster.settle();
                cluster.fireAllTimers();
            }
        }

        // ---- checks ----

        /** Learns the contexts clients got and checks that no read hid a version it had seen live. */
        private void takeReplies() {
            List<ClientReply> replies = cluster.replies();
            for (ClientReply reply : replies.subList(repliesSeen, replies.size())) {
                ClientOp op = ops.get(reply.clientRequestId());
                if (reply.effect() instanceof Effect.ReadReply read) {
                    takeRead(op.key(), read.outcome(), reply.seq());
                } else if (reply.effect() instanceof Effect.WriteReply write && write.outcome() instanceof WriteOutcome.Written written) {
                    learned.get(op.key()).add(written.versionContext());
                    op.value().ifPresent(acknowledged::add);
                }
            }
            repliesSeen = replies.size();
        }

        private void takeRead(Key key, ReadOutcome outcome, long seq) {
            Optional<CausalContext> context = switch (outcome) {
                case ReadOutcome.Found found -> Optional.of(found.context());
                case ReadOutcome.NotFound notFound -> Optional.of(notFound.context());
                case ReadOutcome.Unavailable unavailable -> Optional.empty();
            };
            if (context.isEmpty()) {
                return;
            }
            learned.get(key).add(context.get());
            List<Sibling> returned = outcome instanceof ReadOutcome.Found found ? found.values() : List.of();
            for (IssuedVersion version : cluster.issued()) {
                if (!version.key().equals(key) || version.seq() > seq || version.value().isEmpty()) {
                    continue;
                }
                boolean returnedIt = returned.stream().anyMatch(s -> s.dot().equals(version.dot()));
                if (returnedIt) {
                    assertEquals(version.value().get(), returned.stream().filter(s -> s.dot().equals(version.dot())).findFirst().orElseThrow().value());
                } else if (context.get().contains(version.dot())) {
                    assertTrue(supersededBefore(version, seq), "read at seq " + seq + " hid the live version " + version);
                }
            }
        }

        private boolean supersededBefore(IssuedVersion version, long seq) {
            return cluster.issued().stream().anyMatch(other -> other.key().equals(version.key())
                    && other.seq() < seq && other.clientContext().contains(version.dot()));
        }

        private void checkConvergence() {
            for (Key key : keys) {
                List<NodeId> replicas = cluster.preferenceList(key);
                Siblings expected = cluster.state(replicas.get(0), key);
                for (NodeId node : cluster.nodes()) {
                    assertEquals(replicas.contains(node) ? expected : Siblings.EMPTY, cluster.state(node, key),
                            key + " on " + node + " (replicas " + replicas + ")");
                }
            }
        }

        /** After healing, a version is live at every coordinator exactly when no write's context held its dot. */
        private void checkVersionsAfterHealing() {
            for (Key key : keys) {
                for (NodeId coordinator : cluster.nodes()) {
                    long id = cluster.read(coordinator, key, 3);
                    cluster.settle();
                    Set<String> live = new TreeSet<>();
                    if (cluster.readReply(id) instanceof ReadOutcome.Found found) {
                        found.values().forEach(s -> live.add(s.value().utf8String()));
                    }
                    checkLiveValues(key, coordinator, live);
                }
            }
            quiesce();
        }

        /**
         * One client write can be issued under two dots (a forward that timed out is retried at another
         * replica, which issues again; Dynamo's writes are at least once), so a value is live when any
         * of its versions is: it is superseded only once every version carrying it is.
         */
        private void checkLiveValues(Key key, NodeId coordinator, Set<String> live) {
            Map<String, List<IssuedVersion>> byValue = new TreeMap<>();
            for (IssuedVersion version : cluster.issued()) {
                if (version.key().equals(key) && version.value().isPresent()) {
                    byValue.computeIfAbsent(version.value().get().utf8String(), v -> new ArrayList<>()).add(version);
                }
            }
            byValue.forEach((value, versions) -> {
                boolean superseded = versions.stream().allMatch(version -> supersededBefore(version, Long.MAX_VALUE));
                String where = value + " of " + key + " read at " + coordinator + ": " + versions;
                if (acknowledged.contains(value) && !superseded) {
                    assertTrue(live.contains(value), "acknowledged write lost: " + where);
                }
                assertEquals(!superseded, live.contains(value), (superseded ? "superseded version resurrected: " : "issued version lost: ") + where);
            });
        }

        // ---- randomness ----

        private <T> T pick(List<T> items) {
            return items.get(random.nextInt(items.size()));
        }

        private long timeoutMillis() {
            return 50 + random.nextInt(300);
        }
    }
}
