package io.kvorum.config;

/** How many virtual nodes each physical node owns on the ring ({@code ring.*}). */
public record RingConfig(int vnodesPerNode) {
    public RingConfig {
        ConfigKeys.RING_VNODES_PER_NODE.check(vnodesPerNode);
    }
}
