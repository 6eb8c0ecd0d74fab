package io.kvorum.http;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.List;

/** Where a key lives: the first {@code n} distinct nodes of its preference list, in ring order. */
public record ReplicasView(Key key, List<NodeId> preferenceList, int n) {
    public ReplicasView {
        preferenceList = List.copyOf(preferenceList);
    }
}
