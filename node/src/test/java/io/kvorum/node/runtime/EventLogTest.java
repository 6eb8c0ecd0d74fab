package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kvorum.common.NodeId;
import io.kvorum.node.membership.MembershipEvent;
import io.kvorum.node.membership.MembershipEvent.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link EventLog}: what the node log says about membership, handoff, anti-entropy and a full disk
 * (issue 19), at which level, and how the rate limits hold a flood back and report what they held.
 */
class EventLogTest {
    private static final NodeId THREE = NodeId.of("node-3");
    private static final Path DATA = Path.of("/var/lib/kvorum/node-1");

    private final List<String> lines = new ArrayList<>();
    private final Map<NodeId, Long> hintsHeld = new HashMap<>();
    private long nowNanos = 5_000_000_000L;
    private long usableBytes = 4096;
    private final EventLog log = new EventLog(new EventLog.Sink() {
        @Override
        public void info(String line) {
            lines.add("INFO " + line);
        }

        @Override
        public void error(String line) {
            lines.add("ERROR " + line);
        }
    }, () -> nowNanos, DATA, () -> usableBytes, owner -> hintsHeld.getOrDefault(owner, 0L));

    @Test
    void eachMembershipChangeIsOneInfoLine() {
        log.membershipChanged(new MembershipEvent(THREE, Kind.DOWN, OptionalDouble.of(8.456), 3, 3, 128));
        log.membershipChanged(new MembershipEvent(THREE, Kind.RESTARTED, OptionalDouble.of(0.5), 4, 3, 128));

        assertEquals(List.of("INFO node-3 is now DOWN (phi 8.46)", "INFO node-3 restarted with a new generation 4 (was 3)"), lines);
    }

    @Test
    void aFlappingMemberIsHeldBackAfterFiveLinesAndTheNextLineSaysHowManyWereNot() {
        for (int i = 0; i < 8; i++) {
            log.membershipChanged(new MembershipEvent(THREE, i % 2 == 0 ? Kind.DOWN : Kind.UP, OptionalDouble.of(9), 1, 1, 8));
        }
        assertEquals(5, lines.size(), lines::toString);
        log.membershipChanged(new MembershipEvent(NodeId.of("node-4"), Kind.DOWN, OptionalDouble.of(9), 1, 1, 8));
        assertEquals("INFO node-4 is now DOWN (phi 9.00)", lines.get(5), "another member has its own limit");

        advanceSeconds(12);
        log.membershipChanged(new MembershipEvent(THREE, Kind.UP, OptionalDouble.of(0.25), 1, 1, 8));
        assertEquals("INFO node-3 is now UP (phi 0.25) (3 earlier changes of node-3 not logged)", lines.get(6));
    }

    @Test
    void aFullDiskIsOneErrorLineAMinuteNamingTheDataDirectoryAndTheFreeSpace() {
        String reason = "write of key k: No space left on device";
        log.storageFailed(reason);
        log.storageFailed(reason);
        log.storageFailed(reason);
        assertEquals(List.of("ERROR disk full: data directory " + DATA.toAbsolutePath() + " has 4096 bytes (0.0 MiB) free;"
                + " writes to this node fail (and are answered 507 insufficient_storage or 503) until space is freed: " + reason), lines);

        advanceSeconds(60);
        usableBytes = 3 * 1024 * 1024;
        log.storageFailed("read of key k: Input/output error");
        assertEquals("ERROR storage failure in data directory " + DATA.toAbsolutePath() + " (3145728 bytes (3.0 MiB) free):"
                + " read of key k: Input/output error (2 further storage failures in the last minute not logged)", lines.get(1));
    }

    @Test
    void hintsHandedBackAreSummedPerIntervalAndTheEndOfAHandoffIsAlwaysLogged() {
        hintsHeld.put(THREE, 300L);
        log.hintsDelivered(THREE, 100);
        hintsHeld.put(THREE, 200L);
        log.hintsDelivered(THREE, 100);
        hintsHeld.put(THREE, 100L);
        log.hintsDelivered(THREE, 100);

        assertEquals(List.of("INFO handed 100 hints back to node-3; 200 still held for it",
                "INFO handed 200 hints back to node-3; none left for it"), lines);
    }

    @Test
    void keysRepairedByAntiEntropyAreSummedPerPeerAndInterval() {
        NodeId two = NodeId.of("node-2");
        log.antiEntropyKeysRepaired(two, 0);
        log.antiEntropyKeysRepaired(two, 7);
        log.antiEntropyKeysRepaired(two, 5);
        advanceSeconds(10);
        log.antiEntropyKeysRepaired(two, 1);

        assertEquals(List.of("INFO anti-entropy with node-2 repaired 7 keys on this node",
                "INFO anti-entropy with node-2 repaired 6 keys on this node"), lines);
    }

    @Test
    void anUnknownFreeSpaceIsSaidSo() {
        assertEquals("an unknown amount of space", EventLog.bytes(-1));
        assertEquals("0 bytes (0.0 MiB)", EventLog.bytes(0));
    }

    private void advanceSeconds(long seconds) {
        nowNanos += TimeUnit.SECONDS.toNanos(seconds);
    }
}
