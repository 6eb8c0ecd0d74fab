package io.kvorum.node.runtime;

import io.kvorum.node.protocol.StorageOp;
import io.kvorum.node.protocol.StorageResult;
import io.kvorum.storage.version.DotIssuer;
import io.kvorum.storage.version.KeyLimits;
import io.kvorum.storage.version.Siblings;
import java.util.Optional;

/**
 * The coordinator's write as an engine change: the new version, or the unchanged state when the
 * key's limits refuse it, decided under the engine's per-key lock so no concurrent write slips
 * past the limit. The engine may apply it more than once, so only the last outcome counts.
 */
final class WriteAdmission {
    private final StorageOp.CoordinateWrite write;
    Siblings.NewVersion version;
    StorageResult.Refused refused;

    WriteAdmission(StorageOp.CoordinateWrite write) {
        this.write = write;
    }

    Siblings apply(Siblings current) {
        // A fresh issuer per application: the engine may apply the change more than once.
        DotIssuer issuer = DotIssuer.reserved(write.actor(), write.counter());
        Siblings.NewVersion next = current.write(issuer, write.clientContext(), write.value(), write.wallMillis(),
                write.maxActors());
        Optional<KeyLimits.Exceeded> exceeded = write.limits().check(current, next.state());
        version = exceeded.isPresent() ? null : next;
        refused = exceeded.map(StorageResult.Refused::new).orElse(null);
        return exceeded.isPresent() ? current : next.state();
    }
}
