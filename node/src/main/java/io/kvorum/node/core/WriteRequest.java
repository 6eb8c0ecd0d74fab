package io.kvorum.node.core;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.node.core.Input.ClientWrite;
import io.kvorum.node.message.PeerMessage.ForwardWriteRequest;
import io.kvorum.storage.version.CausalContext;
import java.util.Optional;

/** A write to perform, as the client (or the forwarding node) asked it: {@code value} empty deletes. */
record WriteRequest(Key key, Optional<Bytes> value, Optional<CausalContext> context, int w, boolean sloppy,
                    long timeoutMillis, long wallMillis) {
    static WriteRequest of(ClientWrite write) {
        return new WriteRequest(write.key(), write.value(), write.context(), write.w(), write.sloppy(), write.timeoutMillis(),
                write.wallMillis());
    }

    static WriteRequest of(ForwardWriteRequest forwarded) {
        return new WriteRequest(forwarded.key(), forwarded.value(), forwarded.context(), forwarded.w(), forwarded.sloppy(),
                forwarded.timeoutMillis(), forwarded.wallMillis());
    }

    /** A delete without a context: it must read the key first, to supersede what the replicas hold. */
    boolean isBlindDelete() {
        return value.isEmpty() && context.isEmpty();
    }

    WriteRequest withContext(CausalContext merged) {
        return new WriteRequest(key, value, Optional.of(merged), w, sloppy, timeoutMillis, wallMillis);
    }

    /** A PATCH's write: the patched {@code newValue}, with the context of the PATCH's read. */
    WriteRequest withValue(Bytes newValue, CausalContext readContext) {
        return new WriteRequest(key, Optional.of(newValue), Optional.of(readContext), w, sloppy, timeoutMillis, wallMillis);
    }

    /** The request a replica gets to coordinate this write, as request {@code requestId}, within {@code replicaTimeoutMillis}. */
    ForwardWriteRequest forwarded(long requestId, long replicaTimeoutMillis) {
        return new ForwardWriteRequest(requestId, key, value, context, w, sloppy, replicaTimeoutMillis, wallMillis);
    }
}
