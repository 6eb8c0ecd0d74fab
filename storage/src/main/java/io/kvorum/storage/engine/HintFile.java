package io.kvorum.storage.engine;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The index of a sealed segment (Bitcask's hint file): for every record, its flags, offset, length,
 * wall millis and key, so recovery rebuilds the key directory without reading values.
 *
 * <p>Layout: magic {@code KVH1}, entries, then the entry count and a CRC32C of everything before
 * it. Written to a temporary file, forced, then renamed, so a hint file either is whole or is absent;
 * one that fails its check is ignored and the segment is scanned instead.
 */
final class HintFile {
    private static final int MAGIC = 0x4B564831;
    private static final String TEMP_SUFFIX = ".tmp";

    /** One record of the segment. */
    record Entry(int flags, int offset, int length, long wallMillis, byte[] key) {}

    private HintFile() {}

    static void write(Path path, List<Entry> entries) throws IOException {
        int bytes = 12;
        for (Entry e : entries) {
            bytes += 19 + e.key().length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        buffer.putInt(MAGIC);
        for (Entry e : entries) {
            buffer.put((byte) e.flags()).putShort((short) e.key().length).putInt(e.offset()).putInt(e.length())
                    .putLong(e.wallMillis()).put(e.key());
        }
        buffer.putInt(entries.size());
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int) crc.getValue());
        buffer.flip();
        Path temp = path.resolveSibling(path.getFileName() + TEMP_SUFFIX);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The entries, or null when the file is absent or fails its check. */
    static List<Entry> read(Path path) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (bytes.length < 12) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if (buffer.getInt(0) != MAGIC || buffer.getInt(bytes.length - 4) != (int) crc.getValue()) {
            return null;
        }
        int count = buffer.getInt(bytes.length - 8);
        List<Entry> entries = new ArrayList<>();
        buffer.position(4);
        try {
            for (int i = 0; i < count; i++) {
                int flags = buffer.get() & 0xFF;
                byte[] key = new byte[buffer.getShort() & 0xFFFF];
                int offset = buffer.getInt();
                int length = buffer.getInt();
                long wallMillis = buffer.getLong();
                buffer.get(key);
                entries.add(new Entry(flags, offset, length, wallMillis, key));
            }
        } catch (BufferUnderflowException e) {
            return null; // internally inconsistent despite its checksum: recovery scans the segment instead
        }
        return buffer.position() == bytes.length - 8 ? entries : null;
    }

    static boolean isTemporary(Path path) {
        return path.getFileName().toString().endsWith(TEMP_SUFFIX);
    }
}
