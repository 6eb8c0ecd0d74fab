package io.kvorum.node.runtime;

import io.kvorum.common.ByteReader.MalformedException;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Splits a TCP byte stream into length-prefixed frames (4-byte big-endian length, then payload).
 * A length above the bound is rejected before any of the payload is buffered.
 */
final class FrameDecoder {
    private final int frameBytesMax;
    private Buffer pending = Buffer.buffer();

    FrameDecoder(int frameBytesMax) {
        this.frameBytesMax = frameBytesMax;
    }

    void feed(Buffer chunk, Consumer<byte[]> onFrame) {
        pending.appendBuffer(chunk);
        int position = 0;
        while (pending.length() - position >= 4) {
            int length = pending.getInt(position);
            if (length < 0 || length > frameBytesMax) {
                throw new MalformedException("frame of " + length + " bytes exceeds the limit of " + frameBytesMax);
            }
            if (pending.length() - position - 4 < length) {
                break;
            }
            onFrame.accept(pending.getBytes(position + 4, position + 4 + length));
            position += 4 + length;
        }
        if (position > 0) {
            pending = pending.getBuffer(position, pending.length());
        }
    }
}
