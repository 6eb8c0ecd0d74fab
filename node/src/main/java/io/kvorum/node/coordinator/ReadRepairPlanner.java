package io.kvorum.node.coordinator;

import io.kvorum.common.NodeId;
import io.kvorum.storage.version.Siblings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Computes read repairs and performs none (Voldemort's {@code ReadRepairer}): every replica that
 * answered with a state other than the merge of all answers gets the merged state.
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

    /** The repairs for {@code replies} (iterated in their map's order, so a sorted map gives a stable plan). */
    public static List<Repair> plan(Map<NodeId, Siblings> replies, Siblings merged) {
        List<Repair> repairs = new ArrayList<>();
        replies.forEach((node, state) -> {
            if (!state.equals(merged)) {
                repairs.add(new Repair(node, merged));
            }
        });
        return repairs;
    }
}
