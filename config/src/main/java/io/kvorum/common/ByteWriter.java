package io.kvorum.common;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte buffer for the project's binary codecs (unsigned LEB128 varints). */
public final class ByteWriter {
    private byte[] buffer;
    private int size;

    public ByteWriter() {
        this(64);
    }

    public ByteWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    public ByteWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteWriter writeInt(int value) {
        ensure(4);
        buffer[size++] = (byte) (value >>> 24);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteWriter writeLong(long value) {
        writeInt((int) (value >>> 32));
        return writeInt((int) value);
    }

    /** Unsigned LEB128: 1 byte below 128, at most 10 bytes. Negative values take 10 bytes. */
    public ByteWriter writeVarLong(long value) {
        ensure(10);
        long v = value;
        while ((v & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buffer[size++] = (byte) v;
        return this;
    }

    public ByteWriter writeVarInt(int value) {
        return writeVarLong(value & 0xFFFFFFFFL);
    }

    public ByteWriter writeBoolean(boolean value) {
        return writeByte(value ? 1 : 0);
    }

    /** A varint length followed by the bytes. */
    public ByteWriter writeBytes(Bytes bytes) {
        writeVarInt(bytes.length());
        ensure(bytes.length());
        bytes.copyTo(buffer, size);
        size += bytes.length();
        return this;
    }

    public ByteWriter writeRaw(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** A varint length followed by the UTF-8 bytes. */
    public ByteWriter writeString(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        writeVarInt(utf8.length);
        return writeRaw(utf8, 0, utf8.length);
    }

    public int size() {
        return size;
    }

    /** A copy of what was written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    public Bytes toBytes() {
        return Bytes.wrapOwned(toByteArray());
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            int wanted = Math.max(buffer.length * 2, size + extra);
            Invariants.check(wanted > 0, "ByteWriter overflow at %d + %d bytes", size, extra);
            buffer = Arrays.copyOf(buffer, wanted);
        }
    }
}
