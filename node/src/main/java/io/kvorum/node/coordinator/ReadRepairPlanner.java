package io.kvorum.node.coordinator;

import io.kvorum.node.protocol.Outbox;
import io.kvorum.storage.version.Sibling;
import io.kvorum.common.NodeId;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Computes read repairs and performs none (Voldemort's {@code ReadRepairer}): every replica that
 * answered with a state other than the merge of all answers gets the merged state, unless all it
 * lacks is versions written in the last {@link #IN_FLIGHT_GRACE_MILLIS}.
 *
 * <p>Why the grace (issue 16): without any fault, 6,069 reads of a YCSB run repaired a replica. A
 * write is acknowledged after W of its N replicas stored it, and the others store it a few
 * milliseconds later; a read in between finds them behind and "repairs" them with the very version
 * already on its way, which costs a message and a merge on a busy replica for nothing. A version
 * that is still missing after the grace is repaired by the next read, by hinted handoff (a replica
 * that did not acknowledge in time gets a hint) or by anti-entropy, so convergence is kept.
 */
public final class ReadRepairPlanner {
    /** Send {@code state} to {@code to}, which answered with an older or incomplete one. */
    public record Repair(NodeId to, Siblings state) {}

    private ReadRepairPlanner() {}

    /** The join of every reply; {@link Siblings#EMPTY} when there are none. */
    public static Siblings merge(Map<NodeId, Siblings> replies, int maxActors) {
        Siblings merged = Siblings.EMPTY;
        for (Siblings state : replies.values()) {
            merged = merged.merge(state, maxActors);
        }
        return merged;
    }

    /** A replica that lacks only versions stamped this recently is left alone (their write is likely still on its way). */
    public static final long IN_FLIGHT_GRACE_MILLIS = 2_000;

    /** The repairs for {@code replies} (iterated in their map's order, so a sorted map gives a stable plan). */
    public static List<Repair> plan(Map<NodeId, Siblings> replies, Siblings merged) {
        return plan(replies, merged, Outbox.WALL_UNKNOWN);
    }

    /**
     * The repairs for {@code replies} at wall time {@code wallMillis}, leaving out replicas that lack
     * only versions in flight; with {@link Outbox#WALL_UNKNOWN} every differing replica is repaired.
     */
    public static List<Repair> plan(Map<NodeId, Siblings> replies, Siblings merged, long wallMillis) {
        List<Repair> repairs = new ArrayList<>();
        replies.forEach((node, state) -> {
            if (!state.equals(merged) && !lacksOnlyRecent(state, merged, wallMillis)) {
                repairs.add(new Repair(node, merged));
            }
        });
        return repairs;
    }

    /**
     * True when every version {@code merged} has and {@code state} has not seen was stamped within the
     * grace before {@code wallMillis} (or up to the grace after it: a coordinator's clock may run a
     * little ahead). A version stamped further off either way is repaired, so a skewed clock cannot
     * hold a repair back for longer than the grace. False when {@code state} lacks nothing (it differs
     * in some other way) or the wall time is unknown.
     */
    static boolean lacksOnlyRecent(Siblings state, Siblings merged, long wallMillis) {
        if (wallMillis == Outbox.WALL_UNKNOWN) {
            return false;
        }
        boolean lacksAny = false;
        for (Sibling sibling : merged.siblings()) {
            if (state.context().contains(sibling.dot())) {
                continue;
            }
            lacksAny = true;
            long ageMillis = wallMillis - sibling.wallMillis();
            if (ageMillis > IN_FLIGHT_GRACE_MILLIS || ageMillis < -IN_FLIGHT_GRACE_MILLIS) {
                return false;
            }
        }
        return lacksAny;
    }
}
