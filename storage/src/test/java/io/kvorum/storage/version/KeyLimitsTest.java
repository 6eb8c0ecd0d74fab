package io.kvorum.storage.version;

import static io.kvorum.storage.version.VersionFixtures.NO_PRUNING;
import static io.kvorum.storage.version.VersionFixtures.actor;
import static io.kvorum.storage.version.VersionFixtures.bytes;
import static io.kvorum.storage.version.VersionFixtures.issuer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which writes a key's limits refuse: growth past a limit, never a resolution that brings the key back. */
class KeyLimitsTest {
    private static final Actor NODE_A = actor("node-a");
    private static final DotIssuer ISSUER = issuer(NODE_A);

    private static Siblings.NewVersion put(Siblings state, CausalContext context, String value) {
        return state.write(ISSUER, context, Optional.of(bytes(value)), 100, NO_PRUNING);
    }

    private static Siblings blindWrites(int count, String value) {
        Siblings state = Siblings.EMPTY;
        for (int i = 0; i < count; i++) {
            state = put(state, CausalContext.EMPTY, value).state();
        }
        return state;
    }

    @Test
    void aBlindWritePastTheSiblingLimitIsRefusedNamingTheCounts() {
        KeyLimits limits = new KeyLimits(3, Long.MAX_VALUE);
        Siblings atLimit = blindWrites(3, "x");

        Siblings after = put(atLimit, CausalContext.EMPTY, "y").state();

        assertEquals(Optional.of(new KeyLimits.Exceeded(KeyLimits.Limit.SIBLINGS, 4, 3)), limits.check(atLimit, after));
        assertEquals(Optional.empty(), limits.check(blindWrites(2, "x"), atLimit), "reaching the limit is allowed");
    }

    @Test
    void aWriteCoveringEverySiblingIsAcceptedAtAndPastTheLimit() {
        KeyLimits limits = new KeyLimits(3, 200);
        Siblings pastLimit = blindWrites(6, "x".repeat(40)); // replicas may hold more than one coordinator admitted

        Siblings resolved = put(pastLimit, pastLimit.context(), "z").state();

        assertEquals(1, resolved.siblings().size());
        assertEquals(Optional.empty(), limits.check(pastLimit, resolved));
    }

    @Test
    void aPartialResolutionOverTheLimitIsAcceptedWhenItDoesNotGrowTheKey() {
        KeyLimits limits = new KeyLimits(3, Long.MAX_VALUE);
        Siblings pastLimit = blindWrites(5, "x");
        CausalContext coversFirst = CausalContext.EMPTY.add(pastLimit.siblings().get(0).dot(), 1);

        Siblings after = put(pastLimit, coversFirst, "y").state();

        assertEquals(5, after.siblings().size());
        assertEquals(Optional.empty(), limits.check(pastLimit, after));
    }

    @Test
    void aWritePastTheByteLimitIsRefusedUnlessItShrinksTheKey() {
        Siblings state = blindWrites(3, "v".repeat(100));
        long bytes = VersionCodec.encodedBytesBound(state);
        KeyLimits limits = new KeyLimits(100, bytes + 10);

        Siblings grown = put(state, CausalContext.EMPTY, "w".repeat(100)).state();
        Optional<KeyLimits.Exceeded> refused = limits.check(state, grown);
        assertTrue(refused.isPresent());
        assertEquals(KeyLimits.Limit.BYTES, refused.get().limit());
        assertEquals(VersionCodec.encodedBytesBound(grown), refused.get().actual());

        CausalContext coversFirst = CausalContext.EMPTY.add(grown.siblings().get(0).dot(), 1);
        Siblings biggerReplacement = put(grown, coversFirst, "b".repeat(500)).state();
        assertTrue(limits.check(grown, biggerReplacement).isPresent(), "a resolution may not make an over-limit key larger");
        Siblings smallerReplacement = put(grown, coversFirst, "s").state();
        assertEquals(Optional.empty(), limits.check(grown, smallerReplacement));
    }

    @Test
    void tombstonesCountAsSiblings() {
        KeyLimits limits = new KeyLimits(2, Long.MAX_VALUE);
        Siblings two = blindWrites(2, "x");
        CausalContext none = CausalContext.EMPTY;

        Siblings withTombstone = two.write(ISSUER, none, Optional.empty(), 100, NO_PRUNING).state();

        assertEquals(3, withTombstone.siblings().size());
        assertTrue(limits.check(two, withTombstone).isPresent());
    }

    @Test
    void pastHalfWarnsBeforeEitherLimitIsReached() {
        KeyLimits limits = new KeyLimits(10, 1_000);
        assertEquals(Optional.empty(), limits.pastHalf(blindWrites(5, "x")));
        assertEquals(Optional.of(KeyLimits.Limit.SIBLINGS), limits.pastHalf(blindWrites(6, "x")));
        assertEquals(Optional.of(KeyLimits.Limit.BYTES), limits.pastHalf(blindWrites(1, "x".repeat(600))));
    }

    @Test
    void theByteBoundIsNeverBelowTheEncodedSize() {
        Seeds.forEach(0x5eed_b0b1L, 300, (seed, random) -> {
            for (Siblings state : VersionFixtures.randomReplicas(random, 3, 1 + random.nextInt(40))) {
                long encoded = VersionCodec.encode(state).length;
                long bound = VersionCodec.encodedBytesBound(state);
                assertTrue(bound >= encoded, "bound " + bound + " < encoded " + encoded);
                long parts = state.context().actorCount() + state.context().cloud().size() + state.siblings().size();
                assertTrue(bound <= encoded + 31 * parts + 12, "bound " + bound + " is looser than the varint widths allow for " + encoded);
            }
        });
    }

    @Test
    void theBoundGrowsWithTheValuesItHolds() {
        Siblings small = put(Siblings.EMPTY, CausalContext.EMPTY, "x").state();
        Bytes big = Bytes.wrapOwned(new byte[10_000]);
        Siblings large = Siblings.EMPTY.write(ISSUER, CausalContext.EMPTY, Optional.of(big), 100, NO_PRUNING).state();
        assertTrue(VersionCodec.encodedBytesBound(large) - VersionCodec.encodedBytesBound(small) >= 9_999);
    }
}
