package io.kvorum.node.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvorum.common.ByteReader.MalformedException;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final long SEED = 16L;

    @Test
    void framesCutAtEveryPossiblePlaceComeOutWhole() {
        Random random = new Random(SEED);
        for (int round = 0; round < 200; round++) {
            List<byte[]> sent = new ArrayList<>();
            Buffer stream = Buffer.buffer();
            for (int i = 0; i < 1 + random.nextInt(20); i++) {
                byte[] payload = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(3000)];
                random.nextBytes(payload);
                sent.add(payload);
                stream.appendInt(payload.length).appendBytes(payload);
            }
            FrameDecoder decoder = new FrameDecoder(4096);
            List<byte[]> received = new ArrayList<>();
            int position = 0;
            while (position < stream.length()) {
                int size = Math.min(stream.length() - position, 1 + random.nextInt(random.nextBoolean() ? 8 : 5000));
                decoder.feed(stream.getBuffer(position, position + size), received::add);
                position += size;
            }
            assertEquals(sent.size(), received.size(), "frames of round " + round + " (seed " + SEED + ")");
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i), received.get(i), "frame " + i + " of round " + round + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void aLengthAboveTheBoundIsRejectedBeforeItsPayloadArrives() {
        FrameDecoder decoder = new FrameDecoder(100);
        List<byte[]> received = new ArrayList<>();
        decoder.feed(Buffer.buffer().appendInt(3).appendBytes(new byte[] {1, 2, 3}).appendShort((short) 0), received::add);
        assertEquals(1, received.size());
        MalformedException e = assertThrows(MalformedException.class, () -> decoder.feed(Buffer.buffer().appendShort((short) 101), received::add));
        assertEquals("frame of 101 bytes exceeds the limit of 100", e.getMessage());
    }
}
