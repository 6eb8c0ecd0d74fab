package io.kvorum.storage.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * The on-disk layout of one log record, and its checksum and compression.
 *
 * <pre>
 *  0  int    CRC32C of bytes [4, end): the rest of the header, the key and the payload
 *  4  short  magic 0x4B56 ("KV"), so a scan can find the next record after a corrupt one
 *  6  byte   flags: 1 tombstone-only state, 2 payload LZ4-compressed, 4 key removed (no payload)
 *  7  byte   reserved, 0
 *  8  short  key length (unsigned)
 * 10  int    payload length as stored
 * 14  long   wall millis of the newest write in the state (tombstone grace is measured from it)
 * 22  key, then payload; a compressed payload is its raw length (int) followed by the LZ4 block
 * </pre>
 *
 * Big-endian throughout. The checksum covers the header too, so a flipped length or flag is caught
 * like a flipped value byte.
 */
final class RecordFormat {
    static final int HEADER_BYTES = 22;
    static final short MAGIC = 0x4B56;
    static final int FLAG_TOMBSTONE = 1;
    static final int FLAG_COMPRESSED = 2;
    static final int FLAG_REMOVED = 4;
    private static final int KNOWN_FLAGS = FLAG_TOMBSTONE | FLAG_COMPRESSED | FLAG_REMOVED;
    /** Keys of the engines are at most 1 KiB; hint keys add an owner and a sequence number. */
    static final int KEY_BYTES_MAX = 2048;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestJavaInstance();
    private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

    private RecordFormat() {}

    /** A parsed header; {@code recordBytes} is the whole record's length. */
    record Header(int flags, int keyLength, int payloadLength, long wallMillis) {
        int recordBytes() {
            return HEADER_BYTES + keyLength + payloadLength;
        }

        boolean removed() {
            return (flags & FLAG_REMOVED) != 0;
        }

        boolean tombstone() {
            return (flags & FLAG_TOMBSTONE) != 0;
        }

        boolean compressed() {
            return (flags & FLAG_COMPRESSED) != 0;
        }
    }

    /** A whole record, checksummed, ready to append. {@code payload} is stored as given. */
    static byte[] encode(int flags, byte[] key, byte[] payload, long wallMillis) {
        byte[] record = new byte[HEADER_BYTES + key.length + payload.length];
        ByteBuffer buffer = ByteBuffer.wrap(record).order(ByteOrder.BIG_ENDIAN);
        buffer.putInt(0).putShort(MAGIC).put((byte) flags).put((byte) 0)
                .putShort((short) key.length).putInt(payload.length).putLong(wallMillis)
                .put(key).put(payload);
        buffer.putInt(0, crc(record, 0, record.length));
        return record;
    }

    /**
     * The header at {@code offset} if its fields are plausible (magic, flags, lengths within
     * {@code available} bytes); null otherwise. Does not check the CRC.
     */
    static Header parseHeader(byte[] bytes, int offset, long available) {
        if (available < HEADER_BYTES) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, HEADER_BYTES).order(ByteOrder.BIG_ENDIAN);
        buffer.getInt();
        short magic = buffer.getShort();
        int flags = buffer.get() & 0xFF;
        int reserved = buffer.get();
        int keyLength = buffer.getShort() & 0xFFFF;
        int payloadLength = buffer.getInt();
        long wallMillis = buffer.getLong();
        boolean plausible = magic == MAGIC && (flags & ~KNOWN_FLAGS) == 0 && reserved == 0
                && keyLength >= 1 && keyLength <= KEY_BYTES_MAX && payloadLength >= 0
                && HEADER_BYTES + (long) keyLength + payloadLength <= available;
        return plausible ? new Header(flags, keyLength, payloadLength, wallMillis) : null;
    }

    /** True when the record at {@code offset} (whose header says it is {@code length} long) matches its CRC. */
    static boolean crcMatches(byte[] bytes, int offset, int length) {
        int stored = ByteBuffer.wrap(bytes, offset, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        return stored == crc(bytes, offset, length);
    }

    static byte[] key(byte[] record, Header header) {
        byte[] key = new byte[header.keyLength()];
        System.arraycopy(record, HEADER_BYTES, key, 0, key.length);
        return key;
    }

    /** The payload as the caller wrote it (decompressed when needed). */
    static byte[] payload(byte[] record, Header header) {
        int from = HEADER_BYTES + header.keyLength();
        if (!header.compressed()) {
            byte[] payload = new byte[header.payloadLength()];
            System.arraycopy(record, from, payload, 0, payload.length);
            return payload;
        }
        int rawLength = ByteBuffer.wrap(record, from, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        byte[] raw = new byte[rawLength];
        int written = DECOMPRESSOR.decompress(record, from + 4, header.payloadLength() - 4, raw, 0, rawLength);
        if (written != rawLength) {
            throw new IllegalStateException("LZ4 payload decompressed to " + written + " bytes, header says " + rawLength);
        }
        return raw;
    }

    /**
     * The LZ4 form of {@code payload} (raw length, then the block), or null when it would not be at
     * least an eighth smaller: a few percent saved (random text between JSON keys) is not worth a
     * decompression on every read, nor, through {@link CompressionBackoff}, the next attempts.
     */
    static byte[] compress(byte[] payload) {
        byte[] out = new byte[4 + COMPRESSOR.maxCompressedLength(payload.length)];
        ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN).putInt(payload.length);
        int length = COMPRESSOR.compress(payload, 0, payload.length, out, 4, out.length - 4);
        if (4 + length > payload.length - payload.length / 8) {
            return null;
        }
        byte[] exact = new byte[4 + length];
        System.arraycopy(out, 0, exact, 0, exact.length);
        return exact;
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset + 4, length - 4);
        return (int) crc.getValue();
    }
}
