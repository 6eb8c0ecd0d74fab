package io.kvorum.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NodeIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"node-1", "n", "9", "a.b_c-d", "Node_01.eu-west",
            "a123456789012345678901234567890123456789012345678901234567890123"})
    void validIds(String id) {
        assertTrue(NodeId.isValid(id), id);
        NodeId.of(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-node", ".node", "_node", "node 1", "node/1", "nöde", "node:1",
            "a1234567890123456789012345678901234567890123456789012345678901234"})
    void invalidIds(String id) {
        assertFalse(NodeId.isValid(id), id);
        assertThrows(IllegalArgumentException.class, () -> NodeId.of(id));
    }

    @org.junit.jupiter.api.Test
    void nullIsInvalid() {
        assertFalse(NodeId.isValid(null));
    }
}
