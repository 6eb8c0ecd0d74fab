package io.kvorum.common;


/**
 * Reads what {@link ByteWriter} wrote. Malformed input (truncated, overlong, over a bound) throws
 * {@link MalformedException}: decoders of untrusted bytes catch exactly that and nothing broader.
 */
public final class ByteReader {
    private final byte[] data;
    private final int end;
    private int position;

    public ByteReader(byte[] data) {
        this(data, 0, data.length);
    }

    public ByteReader(byte[] data, int offset, int length) {
        Invariants.require(offset >= 0 && length >= 0 && offset + length <= data.length,
                "slice %d+%d outside %d bytes", offset, length, data.length);
        this.data = data;
        this.position = offset;
        this.end = offset + length;
    }

    /** Thrown for bytes that do not decode; the message says what and where. */
    public static final class MalformedException extends RuntimeException {
        public MalformedException(String message) {
            super(message);
        }
    }

    public int remaining() {
        return end - position;
    }

    public boolean hasRemaining() {
        return position < end;
    }

    public int readByte() {
        need(1);
        return data[position++] & 0xFF;
    }

    public int readInt() {
        need(4);
        int v = ((data[position] & 0xFF) << 24) | ((data[position + 1] & 0xFF) << 16)
                | ((data[position + 2] & 0xFF) << 8) | (data[position + 3] & 0xFF);
        position += 4;
        return v;
    }

    public long readLong() {
        long high = readInt() & 0xFFFFFFFFL;
        long low = readInt() & 0xFFFFFFFFL;
        return (high << 32) | low;
    }

    public long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new MalformedException("varint longer than 10 bytes at offset " + position);
    }

    public int readVarInt() {
        long v = readVarLong();
        if (v < 0 || v > 0xFFFFFFFFL) {
            throw new MalformedException("varint " + v + " does not fit 32 bits");
        }
        return (int) v;
    }

    /** A non-negative count no larger than {@code max}; guards allocations driven by input. */
    public int readCount(int max, String what) {
        int n = readVarInt();
        if (n < 0 || n > max) {
            throw new MalformedException(what + " count " + Integer.toUnsignedString(n) + " exceeds " + max);
        }
        return n;
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new MalformedException("boolean byte " + b);
        }
        return b == 1;
    }

    public Bytes readBytes(int maxLength) {
        int length = readCount(maxLength, "byte string");
        need(length);
        Bytes bytes = Bytes.copyOf(data, position, length);
        position += length;
        return bytes;
    }

    public String readString(int maxBytes) {
        int length = readCount(maxBytes, "string");
        need(length);
        String s = Utf8.decode(data, position, length)
                .orElseThrow(() -> new MalformedException("string is not UTF-8 at offset " + position));
        position += length;
        return s;
    }

    /** Fails unless every byte was consumed: trailing garbage means a corrupt or foreign encoding. */
    public void expectEnd() {
        if (position != end) {
            throw new MalformedException((end - position) + " trailing bytes");
        }
    }

    private void need(int count) {
        if (count < 0 || end - position < count) {
            throw new MalformedException("truncated: need " + count + " bytes at offset " + position
                    + ", have " + (end - position));
        }
    }
}
