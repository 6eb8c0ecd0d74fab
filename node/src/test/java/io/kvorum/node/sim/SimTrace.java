package io.kvorum.node.sim;

import java.util.ArrayDeque;

/**
 * The trace of a simulation: a rolling 64-bit FNV-1a hash over every event (equal hashes for two
 * runs of one seed prove determinism) and the last events as text for a failure report.
 */
public final class SimTrace {
    private final int keep;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private long hash = 0xcbf29ce484222325L;
    private long events;

    SimTrace(int keep) {
        this.keep = keep;
    }

    void record(long atMillis, String label) {
        String line = atMillis + " " + label;
        for (int i = 0; i < line.length(); i++) {
            hash = (hash ^ line.charAt(i)) * 0x100000001b3L;
        }
        events++;
        if (recent.size() == keep) {
            recent.poll();
        }
        recent.add(line);
    }

    public long hash() {
        return hash;
    }

    public long events() {
        return events;
    }

    /** The last events, oldest first, one per line. */
    public String tail() {
        return String.join("\n", recent);
    }
}
