package io.kvorum.node.coordinator;

import io.kvorum.common.Bytes;
import io.kvorum.node.protocol.PatchOutcome;
import io.kvorum.node.protocol.ReadOutcome;
import io.kvorum.node.protocol.ValuePatch;
import io.kvorum.storage.version.CausalContext;
import java.util.List;
import java.util.Optional;

/**
 * Decides the second half of a PATCH from its read: write the patched value with the read's
 * context, or answer at once. Pure: the read's outcome in, a decision out.
 *
 * <p>Design note. A PATCH is a GET and a PUT-with-that-GET's-context run by the coordinator, so it
 * has exactly their causal guarantees: the write supersedes what the read returned (with R + W > N,
 * every version acknowledged before the read began), and a version written concurrently with the
 * PATCH survives as a sibling, never silently overwritten. What a merge patch cannot do is pick one
 * of several siblings to patch; like Riak's "allow_mult" clients, the caller resolves them (409 with
 * the siblings and their context). A context given by the client acts as a precondition (HTTP's
 * If-Match, DynamoDB's condition expression): it must cover the read's context, so the patch applies
 * only to the versions the client has seen.
 */
public final class PatchPlanner {
    private PatchPlanner() {}

    /** What to do after the read. */
    public sealed interface Decision {
        /** Write {@code value} with {@code context} (the read's). */
        record Write(Bytes value, CausalContext context) implements Decision {}

        /** Answer the client with {@code outcome}; nothing is written. */
        record Answer(PatchOutcome outcome) implements Decision {}
    }

    /** The decision for a PATCH of {@code patch}, whose read gave {@code read}; {@code clientContext} is the client's precondition. */
    public static Decision plan(ReadOutcome read, ValuePatch patch, Optional<CausalContext> clientContext) {
        return switch (read) {
            case ReadOutcome.Unavailable u ->
                    new Decision.Answer(new PatchOutcome.ReadUnavailable(u.required(), u.acknowledged(), u.shortfall()));
            case ReadOutcome.NotFound notFound -> changedSince(clientContext, notFound.context())
                    ? new Decision.Answer(new PatchOutcome.Conflict(List.of(), notFound.context(), true))
                    : patched(patch.apply(Optional.empty()), notFound.context());
            case ReadOutcome.Found found -> {
                if (changedSince(clientContext, found.context())) {
                    yield new Decision.Answer(new PatchOutcome.Conflict(found.values(), found.context(), true));
                }
                if (found.values().size() > 1) {
                    yield new Decision.Answer(new PatchOutcome.Conflict(found.values(), found.context(), false));
                }
                yield patched(patch.apply(Optional.of(found.values().getFirst().value())), found.context());
            }
        };
    }

    /** True when the client gave a context and the read found versions it does not cover. */
    private static boolean changedSince(Optional<CausalContext> clientContext, CausalContext readContext) {
        return clientContext.isPresent() && !clientContext.get().covers(readContext);
    }

    private static Decision patched(ValuePatch.Patched patched, CausalContext readContext) {
        return switch (patched) {
            case ValuePatch.Patched.Value value -> new Decision.Write(value.json(), readContext);
            case ValuePatch.Patched.TooLarge tooLarge ->
                    new Decision.Answer(new PatchOutcome.TooLarge(tooLarge.bytes(), tooLarge.limitBytes()));
        };
    }
}
