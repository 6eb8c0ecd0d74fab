package io.kvorum.http;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import java.util.List;
import java.util.Optional;

/** The outcome of a read, mapped to 200 / 404 / 503 by the router. */
public sealed interface GetResult {
    /** Live siblings (exact JSON texts, deterministic order) and a context covering all of them. */
    record Found(Key key, List<Bytes> valuesJson, String context) implements GetResult {
        public Found {
            valuesJson = List.copyOf(valuesJson);
        }
    }

    /** No replica that answered holds a live value; {@code context} is present when tombstones were seen. */
    record NotFound(Key key, Optional<String> context) implements GetResult {}

    /** Fewer than {@code required} replicas answered; {@code shortfall} says why. */
    record Unavailable(int required, int acknowledged, QuorumShortfall shortfall) implements GetResult {}
}
