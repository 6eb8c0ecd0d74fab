package io.kvorum.config;

/**
 * How big the log engine's read cache is ({@code storage.cache-size}): a fixed number of bytes, or a
 * share of the node's maximum heap, resolved when the node starts ({@link #bytesFor}), so one setting
 * follows {@code -Xmx} wherever the node runs (scripts, image, a bare {@code java -jar}).
 */
public sealed interface CacheSize {
    /** The most a cache may take, whatever the heap: more would not leave the keydir and requests room. */
    long MAX_BYTES = 1L << 30;

    /** The cache's bytes on a node whose maximum heap is {@code maxHeapBytes}. */
    int bytesFor(long maxHeapBytes);

    /** Exactly {@code bytes} (0: no cache). */
    record Fixed(int bytes) implements CacheSize {
        @Override
        public int bytesFor(long maxHeapBytes) {
            return bytes;
        }
    }

    /** {@code percent} of the maximum heap, at most {@link #MAX_BYTES}. */
    record HeapShare(int percent) implements CacheSize {
        @Override
        public int bytesFor(long maxHeapBytes) {
            return (int) Math.min(MAX_BYTES, maxHeapBytes / 100 * percent);
        }
    }
}
