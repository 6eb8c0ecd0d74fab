package io.kvorum.node.core;

import io.kvorum.storage.version.CausalContext;

/** What a client write or delete gets. */
public sealed interface WriteOutcome {
    /** Durable on at least w replicas; {@code versionContext} is what the writer has now seen. */
    record Written(CausalContext versionContext) implements WriteOutcome {}

    /** Fewer than {@code required} replicas acknowledged in time. */
    record Unavailable(int required, int acknowledged) implements WriteOutcome {}
}
