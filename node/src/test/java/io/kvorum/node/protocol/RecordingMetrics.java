package io.kvorum.node.protocol;

import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;

/** {@link CoreMetrics} that remember what the background protocols reported, for assertions. */
public final class RecordingMetrics implements CoreMetrics {
    /** One {@link #antiEntropyCompared} report. */
    public record Compared(int ranges, int inSync) {}

    private final List<Integer> hintsDelivered = new ArrayList<>();
    private final List<Compared> compared = new ArrayList<>();
    private final List<Integer> keysRepaired = new ArrayList<>();
    private int keyHashesSent;
    private int statesSent;
    private final List<Long> syncAges = new ArrayList<>();
    private List<RangeSync> syncs = List.of();

    @Override
    public void hintsDelivered(NodeId owner, int count) {
        hintsDelivered.add(count);
    }

    @Override
    public void antiEntropyCompared(int ranges, int inSync) {
        compared.add(new Compared(ranges, inSync));
    }

    @Override
    public void antiEntropyKeysRepaired(NodeId peer, int keys) {
        keysRepaired.add(keys);
    }

    @Override
    public void antiEntropySent(int keyHashes, int states) {
        keyHashesSent += keyHashes;
        statesSent += states;
    }

    /** Key hashes sent in all exchanges so far. */
    public int keyHashesSent() {
        return keyHashesSent;
    }

    /** Key states sent in all exchanges so far. */
    public int statesSent() {
        return statesSent;
    }

    @Override
    public void antiEntropySyncAge(long ageMillis) {
        syncAges.add(ageMillis);
    }

    @Override
    public void antiEntropySyncs(List<RangeSync> syncs) {
        this.syncs = List.copyOf(syncs);
    }

    /** The last (peer, range) snapshot reported; empty before any. */
    public List<RangeSync> lastSyncs() {
        return syncs;
    }

    /** Each delivery's hint count, in order. */
    public List<Integer> hintsDelivered() {
        return List.copyOf(hintsDelivered);
    }

    public int hintsDeliveredTotal() {
        return hintsDelivered.stream().mapToInt(Integer::intValue).sum();
    }

    public List<Compared> compared() {
        return List.copyOf(compared);
    }

    /** Each merge's changed-key count, in order (initiator and responder alike). */
    public List<Integer> keysRepaired() {
        return List.copyOf(keysRepaired);
    }

    /** The last reported sync age; fails when none was reported. */
    public long lastSyncAge() {
        if (syncAges.isEmpty()) {
            throw new AssertionError("no sync age was reported");
        }
        return syncAges.get(syncAges.size() - 1);
    }
}
