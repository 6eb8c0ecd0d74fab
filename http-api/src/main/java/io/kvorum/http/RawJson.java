package io.kvorum.http;

import com.fasterxml.jackson.core.SerializableString;
import io.kvorum.common.Bytes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A stored JSON value written into a response as it is: its UTF-8 bytes are copied into Jackson's
 * output buffer, with no String made on the way (issue 16: turning every value read into a String
 * and back was a third of a node's allocations under YCSB). Only the unquoted UTF-8 forms are used
 * by {@code JsonGenerator.writeRawValue}; the char forms decode the bytes, for completeness.
 */
final class RawJson implements SerializableString {
    private final Bytes utf8;

    RawJson(Bytes json) {
        this.utf8 = json;
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
        if (offset + utf8.length() > buffer.length) {
            return -1; // Jackson then takes asUnquotedUTF8()
        }
        utf8.copyTo(buffer, offset);
        return utf8.length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return utf8.toByteArray();
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(utf8.toByteArray());
        return utf8.length();
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
        if (buffer.remaining() < utf8.length()) {
            return -1;
        }
        buffer.put(utf8.toByteArray());
        return utf8.length();
    }

    @Override
    public String getValue() {
        return utf8.utf8String();
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
        throw new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }

    @Override
    public byte[] asQuotedUTF8() {
        throw new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
        throw new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
        throw new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
        String value = getValue();
        if (offset + value.length() > buffer.length) {
            return -1;
        }
        value.getChars(0, value.length(), buffer, offset);
        return value.length();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
        throw new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
        throw new UnsupportedOperationException("a raw JSON value is never written as a quoted string");
    }
}
