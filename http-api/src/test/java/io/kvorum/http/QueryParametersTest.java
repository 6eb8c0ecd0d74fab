package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class QueryParametersTest {
    @Test
    void resolvesReplicaCountsAgainstN() {
        assertEquals(OptionalInt.empty(), count(null, "r", 3));
        assertEquals(OptionalInt.empty(), count("", "r", 3));
        assertEquals(OptionalInt.of(1), count("r=one", "r", 3));
        assertEquals(OptionalInt.of(2), count("r=quorum", "r", 3));
        assertEquals(OptionalInt.of(3), count("r=all", "r", 3));
        assertEquals(OptionalInt.of(3), count("w=quorum", "w", 5));
        assertEquals(OptionalInt.of(3), count("w=quorum", "w", 4));
        assertEquals(OptionalInt.of(1), count("w=quorum", "w", 1));
        assertEquals(OptionalInt.of(2), count("r=2", "r", 3));
        assertEquals(OptionalInt.of(3), count("r=03", "r", 3));
        assertEquals(OptionalInt.of(2), count("x=1&r=2&y", "r", 3));
        assertEquals(OptionalInt.of(2), count("r=%32", "r", 3));
        // Parameters the route does not use are ignored, duplicates and all.
        assertEquals(OptionalInt.empty(), count("w=1&w=2&w=nope", "r", 3));
    }

    @Test
    void rejectsBadReplicaCounts() {
        for (String query : new String[] {"r=0", "r=4", "r=-1", "r=+1", "r=1.0", "r=", "r", "r=ONE", "r=Quorum",
                "r=majority", "r=99999999999", "r=1&r=1", "r=one&r=2", "r=%zz", "x=%FF", "r= 1"}) {
            Validated<OptionalInt> parsed = QueryParameters.parse(query).then(q -> q.replicaCount("r", 3));
            assertTrue(parsed instanceof Validated.Invalid<OptionalInt>(ApiError error)
                    && error.code() == ErrorCode.INVALID_PARAMETER, () -> query + " gave " + parsed);
        }
    }

    @Test
    void namesTheParameterAndTheAllowedValues() {
        Validated<OptionalInt> parsed = QueryParameters.parse("w=7").then(q -> q.replicaCount("w", 3));
        ApiError error = ((Validated.Invalid<OptionalInt>) parsed).error();
        assertEquals("parameter w must be an integer from 1 to 3, or one, quorum or all; got '7'", error.message());
    }

    @Test
    void boundsTimeouts() {
        assertEquals(OptionalLong.empty(), timeout("r=1"));
        assertEquals(OptionalLong.of(1), timeout("timeout_ms=1"));
        assertEquals(OptionalLong.of(60_000), timeout("timeout_ms=60000"));
        for (String query : new String[] {"timeout_ms=0", "timeout_ms=60001", "timeout_ms=-5", "timeout_ms=1s",
                "timeout_ms=", "timeout_ms=1e3", "timeout_ms=10&timeout_ms=10", "timeout_ms=9999999999"}) {
            Validated<OptionalLong> parsed = QueryParameters.parse(query).then(QueryParameters::timeoutMillis);
            assertTrue(parsed instanceof Validated.Invalid<OptionalLong>(ApiError error)
                    && error.code() == ErrorCode.INVALID_PARAMETER
                    && error.message().contains("timeout_ms"), () -> query + " gave " + parsed);
        }
    }

    @Test
    void takesSloppyAsExactlyTrueOrFalse() {
        assertEquals(Optional.empty(), sloppy(null));
        assertEquals(Optional.empty(), sloppy("r=1&w=2"));
        assertEquals(Optional.of(true), sloppy("sloppy=true"));
        assertEquals(Optional.of(false), sloppy("sloppy=false"));
        assertEquals(Optional.of(false), sloppy("w=all&sloppy=%66alse&x"));
        for (String query : new String[] {"sloppy=", "sloppy", "sloppy=TRUE", "sloppy=True", "sloppy=1", "sloppy=0",
                "sloppy=yes", "sloppy=no", "sloppy=on", "sloppy=+true", "sloppy=true%20", "sloppy=truefalse",
                "sloppy=true&sloppy=true", "sloppy=true&sloppy=false", "sloppy=%ZZ"}) {
            Validated<Optional<Boolean>> parsed = QueryParameters.parse(query).then(QueryParameters::sloppy);
            assertTrue(parsed instanceof Validated.Invalid<Optional<Boolean>>(ApiError error)
                    && error.code() == ErrorCode.INVALID_PARAMETER, () -> query + " gave " + parsed);
        }
    }

    @Test
    void namesSloppyAndItsTwoWords() {
        assertEquals("parameter sloppy must be true or false; got 'yes'", sloppyError("sloppy=yes"));
        assertEquals("parameter sloppy must be true or false; got ''", sloppyError("sloppy"));
        assertEquals("parameter sloppy is given 2 times; give it at most once", sloppyError("sloppy=true&sloppy=false"));
    }

    private static Optional<Boolean> sloppy(String query) {
        Validated<Optional<Boolean>> parsed = QueryParameters.parse(query).then(QueryParameters::sloppy);
        if (parsed instanceof Validated.Valid<Optional<Boolean>>(Optional<Boolean> sloppy)) {
            return sloppy;
        }
        throw new AssertionError(query + " was rejected: " + parsed);
    }

    private static String sloppyError(String query) {
        Validated<Optional<Boolean>> parsed = QueryParameters.parse(query).then(QueryParameters::sloppy);
        return ((Validated.Invalid<Optional<Boolean>>) parsed).error().message();
    }

    private static OptionalInt count(String query, String name, int n) {
        Validated<OptionalInt> parsed = QueryParameters.parse(query).then(q -> q.replicaCount(name, n));
        if (parsed instanceof Validated.Valid<OptionalInt>(OptionalInt count)) {
            return count;
        }
        throw new AssertionError(query + " was rejected: " + parsed);
    }

    private static OptionalLong timeout(String query) {
        Validated<OptionalLong> parsed = QueryParameters.parse(query).then(QueryParameters::timeoutMillis);
        if (parsed instanceof Validated.Valid<OptionalLong>(OptionalLong millis)) {
            return millis;
        }
        throw new AssertionError(query + " was rejected: " + parsed);
    }
}
