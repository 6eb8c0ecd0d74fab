package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Responses}: the bodies of receipts, and of the 503 and 507 answers of a short quorum. */
class ResponsesTest {
    private final Responses responses = new Responses();

    @Test
    void aWriteReceiptListsPrimariesByNodeAndRole() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Written(Key.of("k"), "c1",
                List.of(Receipt.primary(NodeId.of("node-2")), Receipt.primary(NodeId.of("node-1")))));
        assertEquals(200, reply.status());
        assertEquals("{\"key\":\"k\",\"context\":\"c1\",\"replicas\":[{\"node\":\"node-2\",\"role\":\"primary\"},"
                + "{\"node\":\"node-1\",\"role\":\"primary\"}]}", reply.body().utf8String());
    }

    @Test
    void aFallbackNamesTheReplicaItHoldsTheHintFor() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Written(Key.of("k"), "c2",
                List.of(Receipt.primary(NodeId.of("node-2")),
                        Receipt.fallback(NodeId.of("node-4"), NodeId.of("node-3")))));
        assertEquals("{\"key\":\"k\",\"context\":\"c2\",\"replicas\":[{\"node\":\"node-2\",\"role\":\"primary\"},"
                + "{\"node\":\"node-4\",\"role\":\"fallback\",\"for\":\"node-3\"}]}", reply.body().utf8String());
    }

    @Test
    void anEmptyReceiptIsStillAnArray() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Written(Key.of("k"), "c3", List.of()));
        assertEquals("{\"key\":\"k\",\"context\":\"c3\",\"replicas\":[]}", reply.body().utf8String());
    }

    @Test
    void tooManySiblingsIs409NamingTheLimitAndTheWayBack() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.LimitExceeded(WriteResult.KeyLimit.SIBLINGS, 101, 100));
        assertEquals(409, reply.status());
        String body = reply.body().utf8String();
        assertTrue(body.startsWith("{\"error\":\"too_many_siblings\",\"message\":\"the write would leave 101 siblings on this key,"
                + " more than storage.siblings-max (100); nothing was stored."), body);
        assertTrue(body.endsWith("\"limit\":100,\"actual\":101,\"setting\":\"storage.siblings-max\"}"), body);
    }

    @Test
    void aKeyTooLargeIs413WithTheByteLimitAsEvery413Has() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.LimitExceeded(WriteResult.KeyLimit.BYTES, 9_000_000, 8_388_608));
        assertEquals(413, reply.status());
        String body = reply.body().utf8String();
        assertTrue(body.contains("\"error\":\"key_too_large\""), body);
        assertTrue(body.contains("write with the context of that read"), body);
        assertTrue(body.endsWith("\"limit\":8388608,\"actual\":9000000,\"setting\":\"storage.key-bytes-max\"}"), body);
    }

    @Test
    void ringSharesAreRoundedToFourDecimals() {
        assertEquals(0.2, Responses.roundedShare(0.19999999999999996));
        assertEquals(0.3333, Responses.roundedShare(1.0 / 3));
        assertEquals(1.0, Responses.roundedShare(1.0));
        assertEquals(0.0, Responses.roundedShare(0.00001));
    }

    // ---- 503 and 507: the message tells what happened (issue 19) ----

    private static final NodeId NODE_2 = NodeId.of("node-2");
    private static final NodeId NODE_3 = NodeId.of("node-3");

    @Test
    void aWriteThatGaveUpEarlySaysSoNamesTheUnreachableReplicaAndCountsTheAcknowledgements() {
        // The README's session: w=all with node-3 killed but not yet suspected; its connection is refused at once.
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(3, 0, new QuorumShortfall(false,
                List.of(new QuorumShortfall.Refusal(NODE_3, "unreachable (the connection to it failed)", false)))));
        assertEquals(503, reply.status());
        assertEquals("{\"error\":\"unavailable\",\"message\":\"gave up before the deadline, as too few replicas could take"
                + " the write: node-3: unreachable (the connection to it failed); 0 of the 3 required replicas had acknowledged"
                + " by then (the write may still be stored on replicas that did not refuse it)\",\"required\":3,\"acknowledged\":0}",
                reply.body().utf8String());
        assertFalse(reply.body().utf8String().contains("in time"), "no time passed");
    }

    @Test
    void aWriteThatTimedOutSaysTheDeadlinePassedAndThatTheAcknowledgedCopiesExist() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(3, 2, new QuorumShortfall(true, List.of())));
        assertEquals(503, reply.status());
        assertEquals("timed out: 2 of the 3 required replicas had acknowledged when the deadline passed"
                + " (the write is stored where it was acknowledged, and may reach other replicas)", message(reply));
    }

    @Test
    void aReadThatTimedOutAfterAFailureNamesItAndCountsAnswers() {
        Reply reply = responses.read(Key.of("k"), new GetResult.Unavailable(2, 1, new QuorumShortfall(true,
                List.of(new QuorumShortfall.Refusal(NODE_2, "suspected down by the failure detector", false)))));
        assertEquals(503, reply.status());
        assertEquals("timed out: 1 of the 2 required replicas had answered when the deadline passed;"
                + " failed: node-2: suspected down by the failure detector", message(reply));
    }

    @Test
    void fullDisksAloneAre507InsufficientStorageNamingEachNodeAndItsReason() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(2, 0, new QuorumShortfall(false, List.of(
                new QuorumShortfall.Refusal(NODE_2, "write of key k: No space left on device", true)))));
        assertEquals(507, reply.status());
        assertEquals("{\"error\":\"insufficient_storage\",\"message\":\"not enough storage: node-2: its disk is full"
                + " (write of key k: No space left on device); 0 of the 2 required replicas had acknowledged when the"
                + " coordinator gave up (the write may still be stored on replicas that did not refuse it)\","
                + "\"required\":2,\"acknowledged\":0}", reply.body().utf8String());
    }

    @Test
    void aFullDiskBesideAnotherFailureIs503NamingBoth() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(3, 1, new QuorumShortfall(false, List.of(
                new QuorumShortfall.Refusal(NODE_2, "No space left on device", true),
                new QuorumShortfall.Refusal(NODE_3, "unreachable (the connection to it failed)", false)))));
        assertEquals(503, reply.status());
        assertEquals("gave up before the deadline, as too few replicas could take the write: node-2: its disk is full"
                + " (No space left on device); node-3: unreachable (the connection to it failed); 1 of the 3 required"
                + " replicas had acknowledged by then (the write is stored where it was acknowledged, and may reach other replicas)", message(reply));
    }

    @Test
    void aTimeoutIsNever507EvenWhenADiskWasFull() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(2, 1, new QuorumShortfall(true, List.of(
                new QuorumShortfall.Refusal(NODE_2, "No space left on device", true)))));
        assertEquals(503, reply.status());
    }

    @Test
    void aWriteThatNoReplicaWasSentSaysNothingWasStored() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(3, 0, new QuorumShortfall(false, List.of(),
                QuorumShortfall.Stored.NOTHING)));
        assertEquals(503, reply.status());
        assertEquals("gave up before the deadline, as too few replicas could take the write: fewer healthy nodes than the quorum;"
                + " 0 of the 3 required replicas had acknowledged by then (nothing was stored: no replica was sent the write)",
                message(reply));
    }

    @Test
    void aForwardedWriteThatTimedOutDoesNotClaimACount() {
        Reply reply = responses.written(Key.of("k"), new WriteResult.Unavailable(2, 0, new QuorumShortfall(true, List.of(),
                QuorumShortfall.Stored.UNKNOWN)));
        assertEquals(503, reply.status());
        assertEquals("timed out: the replica that coordinated the write did not answer before the deadline, so how many"
                + " replicas stored it is unknown (it may be stored)", message(reply));
    }

    private static String message(Reply reply) {
        String body = reply.body().utf8String();
        int start = body.indexOf("\"message\":\"") + "\"message\":\"".length();
        return body.substring(start, body.indexOf("\",\"required\""));
    }
}
