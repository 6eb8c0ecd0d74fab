package io.kvorum.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code storage.cache-size}: a fixed size, or a share of the heap resolved against the node's -Xmx. */
class CacheSizeTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void theDefaultIsFortyPercentOfTheHeap() {
        CacheSize size = KvorumConfig.defaults().storage().cacheSize();
        assertEquals(new CacheSize.HeapShare(40), size);
        assertEquals((int) (512 * MIB / 100 * 40), size.bytesFor(512 * MIB), "about 205 MiB of the default -Xmx512m");
    }

    @Test
    void aShareIsCappedAtOneGibibyteAndAFixedSizeIgnoresTheHeap() {
        assertEquals(1 << 30, new CacheSize.HeapShare(80).bytesFor(8L * 1024 * MIB));
        assertEquals(64 * MIB, new CacheSize.Fixed((int) (64 * MIB)).bytesFor(8L * 1024 * MIB));
        assertEquals(0, new CacheSize.Fixed(0).bytesFor(512 * MIB));
    }

    @Test
    void bothNotationsLoadFromFlagsAndEnvironment() {
        assertEquals(new CacheSize.HeapShare(25),
                ConfigLoader.load(List.of("--storage.cache-size=25%"), Map.of()).storage().cacheSize());
        assertEquals(new CacheSize.Fixed((int) (64 * MIB)),
                ConfigLoader.load(List.of(), Map.of("KVORUM_STORAGE_CACHE_SIZE", "64MiB")).storage().cacheSize());
        assertEquals(new CacheSize.Fixed(0), ConfigLoader.load(List.of("--storage.cache-size=0"), Map.of()).storage().cacheSize());
    }
}
