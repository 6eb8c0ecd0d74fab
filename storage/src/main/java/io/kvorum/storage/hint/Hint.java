package io.kvorum.storage.hint;

import io.kvorum.common.Invariants;
import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import io.kvorum.storage.version.Siblings;

/** A write held for a replica that could not take it: the intended owner, the key and the versions (Dynamo §4.6). */
public record Hint(NodeId owner, Key key, Siblings state) {
    public Hint {
        Invariants.require(owner != null && key != null && state != null, "hint owner, key and state must be present");
    }
}
