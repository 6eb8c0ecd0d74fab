package io.kvorum.http;

import io.kvorum.common.Bytes;
import java.util.List;

/** The outcome of a PATCH, mapped to 200 / 409 / 413 / 503 (and the write's own errors) by the router. */
public sealed interface PatchResult {
    /** The patched value was written, or its write failed: rendered as a PUT's result. */
    record Write(WriteResult result) implements PatchResult {}

    /**
     * 409 {@code conflict}, nothing written: the key holds several siblings ({@code valuesJson}), or
     * the client's context does not cover what the read found ({@code changedSinceContext}).
     * {@code context} covers every version the read saw.
     */
    record Conflict(List<Bytes> valuesJson, String context, boolean changedSinceContext) implements PatchResult {
        public Conflict {
            valuesJson = List.copyOf(valuesJson);
        }
    }

    /** The read before the write did not reach {@code required} replicas; nothing was written. */
    record ReadUnavailable(int required, int acknowledged, QuorumShortfall shortfall) implements PatchResult {}

    /** 413 {@code value_too_large}: the patched value would be {@code bytes} long, over {@code limitBytes}. */
    record TooLarge(long bytes, long limitBytes) implements PatchResult {}
}
