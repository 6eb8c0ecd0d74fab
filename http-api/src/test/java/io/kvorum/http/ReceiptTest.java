package io.kvorum.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvorum.common.Key;
import io.kvorum.common.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReceiptTest {
    private static final NodeId A = NodeId.of("node-2");
    private static final NodeId B = NodeId.of("node-3");

    @Test
    void aPrimaryHasNoOwnerAndAFallbackHasAnother() {
        assertEquals(new Receipt(A, Receipt.Role.PRIMARY, Optional.empty()), Receipt.primary(A));
        assertEquals(new Receipt(A, Receipt.Role.FALLBACK, Optional.of(B)), Receipt.fallback(A, B));
        assertThrows(IllegalArgumentException.class, () -> new Receipt(A, Receipt.Role.PRIMARY, Optional.of(B)));
        assertThrows(IllegalArgumentException.class, () -> new Receipt(A, Receipt.Role.FALLBACK, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> Receipt.fallback(A, A));
        assertThrows(NullPointerException.class, () -> new Receipt(null, Receipt.Role.PRIMARY, Optional.empty()));
        assertThrows(NullPointerException.class, () -> new Receipt(A, null, Optional.empty()));
        assertThrows(NullPointerException.class, () -> new Receipt(A, Receipt.Role.PRIMARY, null));
    }

    @Test
    void writtenKeepsTheServicesOrderAndListsEachNodeOnce() {
        List<Receipt> given = new ArrayList<>(List.of(Receipt.fallback(B, A), Receipt.primary(NodeId.of("node-1"))));
        WriteResult.Written written = new WriteResult.Written(Key.of("k"), "c", given);
        given.clear();
        assertEquals(List.of(Receipt.fallback(B, A), Receipt.primary(NodeId.of("node-1"))), written.replicas());
        assertThrows(IllegalArgumentException.class,
                () -> new WriteResult.Written(Key.of("k"), "c", List.of(Receipt.primary(A), Receipt.fallback(A, B))));
    }
}
