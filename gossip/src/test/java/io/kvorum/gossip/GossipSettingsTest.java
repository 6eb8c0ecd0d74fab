package io.kvorum.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class GossipSettingsTest {
    @Test
    void defaultsMatchTheDocumentedValues() {
        GossipSettings d = GossipSettings.defaults();
        assertEquals(1000, d.intervalMillis());
        assertEquals(2, d.fanout());
        assertEquals(0.0, d.seedProbabilityMin());
        assertEquals(0.0, d.unreachableProbabilityMin());
        assertEquals(1024, d.digestsPerMessageMax());
        assertEquals(1024, d.updatesPerMessageMax());
    }

    @Test
    void everyInvalidKnobIsRejectedByName() {
        expect("gossip.interval", () -> new GossipSettings(0, 1, 0, 0, 10, 10));
        expect("gossip.fanout", () -> new GossipSettings(1000, 0, 0, 0, 10, 10));
        expect("gossip.fanout", () -> new GossipSettings(1000, 65, 0, 0, 10, 10));
        expect("gossip.seed-probability-min", () -> new GossipSettings(1000, 1, 1.5, 0, 10, 10));
        expect("gossip.unreachable-probability-min", () -> new GossipSettings(1000, 1, 0, -0.1, 10, 10));
        expect("gossip.digests-per-message-max", () -> new GossipSettings(1000, 1, 0, 0, 0, 10));
        expect("gossip.updates-per-message-max", () -> new GossipSettings(1000, 1, 0, 0, 10, GossipCodec.UPDATES_MAX + 1));
    }

    private static void expect(String key, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().startsWith(key + " must be"), e.getMessage());
    }
}
