package io.kvorum.storage.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a segment file from start to end, checking every record's CRC.
 *
 * <p>A record that fails its check, or whose header is implausible, starts a search for the next
 * offset where a whole valid record begins (its magic, plausible lengths and a matching CRC). If one
 * is found, the bytes in between are a corrupt region: skipped, logged with segment and offset, and
 * counted. If none is found, the bad bytes run to the end of the file: that is a torn tail, the
 * writes that were in flight at a crash, and {@link Result#validBytes} says where to truncate.
 */
final class SegmentScanner {
    private static final Logger log = LoggerFactory.getLogger(SegmentScanner.class);
    private static final int WINDOW_BYTES = 1 << 20;

    /** One valid record: where it is, its header and its key. */
    record Found(int offset, RecordFormat.Header header, byte[] key) {}

    /** What a scan found: the records in order, where valid data ends, and how many corrupt regions it skipped. */
    record Result(List<Found> records, long validBytes, int corruptRegions) {}

    private final Segment segment;
    private final long size;
    private byte[] window = new byte[0];
    private long windowStart;
    private long position;
    private int corruptRegions;
    private boolean torn;

    SegmentScanner(Segment segment) {
        this.segment = segment;
        this.size = segment.size();
    }

    /** Every valid record of the segment, for recovery. */
    static Result scan(Segment segment) throws IOException {
        SegmentScanner scanner = new SegmentScanner(segment);
        List<Found> records = new ArrayList<>();
        for (Found found = scanner.next(); found != null; found = scanner.next()) {
            records.add(found);
        }
        return new Result(records, scanner.validBytes(), scanner.corruptRegions());
    }

    /** The next valid record, or null at the end (or at a torn tail). */
    Found next() throws IOException {
        while (position < size && !torn) {
            Found found = validRecordAt(position);
            if (found != null) {
                position += found.header().recordBytes();
                return found;
            }
            long next = nextValidRecord(position + 1);
            if (next < 0) {
                log.warn("{}: torn tail at offset {} ({} bytes dropped)", segment, position, size - position);
                torn = true;
                return null;
            }
            log.error("{}: corrupt record at offset {} ({} bytes skipped, never served)", segment, position, next - position);
            corruptRegions++;
            position = next;
        }
        return null;
    }

    /** The whole record just returned by {@link #next}; call it before the next {@code next}. */
    byte[] recordBytes(Found found) throws IOException {
        ensure(found.offset(), found.header().recordBytes());
        byte[] record = new byte[found.header().recordBytes()];
        System.arraycopy(window, (int) (found.offset() - windowStart), record, 0, record.length);
        return record;
    }

    /** Where the valid data ends: the file size, or the start of a torn tail. */
    long validBytes() {
        return torn ? position : Math.min(position, size);
    }

    int corruptRegions() {
        return corruptRegions;
    }

    /** The start of the first valid record at or after {@code from}; the magic sits after the 4-byte CRC. */
    private long nextValidRecord(long from) throws IOException {
        for (long start = from; start + RecordFormat.HEADER_BYTES + 1 <= size; start++) {
            ensure(start + 4, 2);
            int at = (int) (start + 4 - windowStart);
            if (((window[at] << 8) | (window[at + 1] & 0xFF)) == RecordFormat.MAGIC && validRecordAt(start) != null) {
                return start;
            }
        }
        return -1;
    }

    private Found validRecordAt(long position) throws IOException {
        if (position < 0 || size - position < RecordFormat.HEADER_BYTES) {
            return null;
        }
        ensure(position, RecordFormat.HEADER_BYTES);
        RecordFormat.Header header = RecordFormat.parseHeader(window, (int) (position - windowStart), size - position);
        if (header == null) {
            return null;
        }
        ensure(position, header.recordBytes());
        int at = (int) (position - windowStart);
        if (!RecordFormat.crcMatches(window, at, header.recordBytes())) {
            return null;
        }
        byte[] key = new byte[header.keyLength()];
        System.arraycopy(window, at + RecordFormat.HEADER_BYTES, key, 0, key.length);
        return new Found((int) position, header, key);
    }

    /** Makes bytes [position, position + length) available in the window, reading ahead a megabyte. */
    private void ensure(long position, int length) throws IOException {
        if (position >= windowStart && position + length <= windowStart + window.length) {
            return;
        }
        int want = (int) Math.min(Math.max(WINDOW_BYTES, length), size - position);
        byte[] bytes = new byte[want];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long at = position;
        while (buffer.hasRemaining()) {
            int n = segment.channel().read(buffer, at);
            if (n < 0) {
                throw new IOException(segment + ": shorter than its size " + size);
            }
            at += n;
        }
        window = bytes;
        windowStart = position;
    }
}
