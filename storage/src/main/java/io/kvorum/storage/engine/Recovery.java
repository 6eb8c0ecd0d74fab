package io.kvorum.storage.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a log's key directory at start: every segment file in id order, from its hint file when
 * it has a valid one, else by a checked scan (truncating a torn tail, skipping and counting corrupt
 * records), after which the scanned segment gets its hint file. Later records win, a removal marker
 * drops the key, and every record a later one replaces counts as dead bytes of its segment.
 */
final class Recovery {
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {}

    /** Loads every segment into {@code store}; returns the highest segment major seen (0 when none). */
    static int recover(LogStore store) throws IOException {
        TreeSet<Long> ids = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(store.dir())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (HintFile.isTemporary(file)) {
                    Files.delete(file);
                } else if (name.endsWith(Segment.LOG_SUFFIX)) {
                    ids.add(Long.parseUnsignedLong(name.substring(0, name.length() - Segment.LOG_SUFFIX.length()), 16));
                }
            }
        }
        int majorMax = 0;
        for (long id : ids) {
            Segment segment = store.openSegment(id);
            if (segment.size() == 0) {
                store.retireEmpty(segment); // an active segment that never took a write
                continue;
            }
            List<HintFile.Entry> entries = HintFile.read(segment.hintPath());
            if (entries == null) {
                entries = scanAndSeal(store, segment);
            }
            apply(store, segment, entries);
            segment.seal();
            majorMax = Math.max(majorMax, Segment.major(id));
        }
        return majorMax;
    }

    /** Writes the hint file of a segment from its scanned records. */
    static void writeHint(Segment segment, List<SegmentScanner.Found> records) throws IOException {
        HintFile.write(segment.hintPath(), entries(records));
    }

    private static List<HintFile.Entry> scanAndSeal(LogStore store, Segment segment) throws IOException {
        SegmentScanner.Result result = SegmentScanner.scan(segment);
        store.countCorrupt(result.corruptRegions());
        if (result.validBytes() < segment.size()) {
            log.warn("{}: truncated from {} to {} bytes", segment, segment.size(), result.validBytes());
            segment.truncate(result.validBytes());
        }
        List<HintFile.Entry> entries = entries(result.records());
        HintFile.write(segment.hintPath(), entries);
        return entries;
    }

    private static List<HintFile.Entry> entries(List<SegmentScanner.Found> records) {
        List<HintFile.Entry> entries = new ArrayList<>(records.size());
        for (SegmentScanner.Found r : records) {
            entries.add(new HintFile.Entry(r.header().flags(), r.offset(), r.header().recordBytes(), r.header().wallMillis(), r.key()));
        }
        return entries;
    }

    private static void apply(LogStore store, Segment segment, List<HintFile.Entry> entries) {
        KeyDirectory keydir = store.keydir();
        for (HintFile.Entry e : entries) {
            Location location = new Location(segment.handle(), e.offset(), e.length());
            if ((e.flags() & RecordFormat.FLAG_REMOVED) != 0) {
                store.markDead(keydir.remove(e.key()));
                segment.addDead(e.length());
                continue;
            }
            store.markDead(keydir.put(e.key(), location, e.wallMillis()));
            if ((e.flags() & RecordFormat.FLAG_TOMBSTONE) != 0) {
                segment.addTombstone(e.wallMillis());
            }
        }
    }
}
