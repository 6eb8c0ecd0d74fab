package io.kvorum.storage.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment file: appended to while active, read-only once sealed, deleted after compaction.
 *
 * <p>A segment's id orders it in recovery: {@code major << 16 | minor}. New active segments take the
 * next major with minor 0; compaction writes its output at the major of the newest input with a
 * higher minor, so replaying files in id order still lets every newer record win (see {@link Compactor}).
 * The handle is a small in-memory number the key directory stores instead of the id.
 */
final class Segment {
    static final String LOG_SUFFIX = ".log";
    static final String HINT_SUFFIX = ".hint";

    private final long id;
    private final int handle;
    private final Path path;
    private final FileChannel channel;
    private volatile long size;
    private volatile boolean sealed;
    private final AtomicLong deadBytes = new AtomicLong();
    private final AtomicLong tombstoneRecords = new AtomicLong();
    private final AtomicLong tombstoneNewestWallMillis = new AtomicLong(Long.MIN_VALUE);

    private Segment(long id, int handle, Path path, FileChannel channel, long size) {
        this.id = id;
        this.handle = handle;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static Segment create(Path dir, long id, int handle) throws IOException {
        Path path = dir.resolve(fileName(id, LOG_SUFFIX));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, handle, path, channel, 0);
    }

    static Segment open(Path dir, long id, int handle) throws IOException {
        Path path = dir.resolve(fileName(id, LOG_SUFFIX));
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, handle, path, channel, channel.size());
    }

    static String fileName(long id, String suffix) {
        return String.format(Locale.ROOT, "%016x%s", id, suffix);
    }

    static long id(int major, int minor) {
        return (long) major << 16 | minor;
    }

    static int major(long id) {
        return (int) (id >>> 16);
    }

    static int minor(long id) {
        return (int) (id & 0xFFFF);
    }

    long id() {
        return id;
    }

    int handle() {
        return handle;
    }

    Path path() {
        return path;
    }

    Path hintPath() {
        return path.resolveSibling(fileName(id, HINT_SUFFIX));
    }

    FileChannel channel() {
        return channel;
    }

    long size() {
        return size;
    }

    boolean sealed() {
        return sealed;
    }

    void seal() {
        sealed = true;
    }

    /** Appends at the end; the caller serializes appends. */
    void append(byte[] record) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(record);
        long position = size;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        size = position;
    }

    /** One positioned read of {@code length} bytes at {@code offset}. */
    byte[] read(long offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long position = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException(path + ": unexpected end of file at " + position);
            }
            position += n;
        }
        return bytes;
    }

    void truncate(long newSize) throws IOException {
        channel.truncate(newSize);
        channel.force(true);
        size = newSize;
    }

    void force() throws IOException {
        channel.force(false);
    }

    void close() throws IOException {
        channel.close();
    }

    void addDead(long bytes) {
        deadBytes.addAndGet(bytes);
    }

    long deadBytes() {
        return deadBytes.get();
    }

    void addTombstone(long wallMillis) {
        tombstoneRecords.incrementAndGet();
        tombstoneNewestWallMillis.accumulateAndGet(wallMillis, Math::max);
    }

    /** True when some record here was a tombstone-only state and the newest of them is older than {@code cutoffMillis}. */
    boolean tombstonesExpiredBefore(long cutoffMillis) {
        return tombstoneRecords.get() > 0 && tombstoneNewestWallMillis.get() < cutoffMillis;
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
