package io.kvorum.storage.engine;

import io.kvorum.config.StorageConfig.SyncPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One compaction: rewrites the live records of some sealed segments into new segments, then
 * retires the inputs. Runs in steps of about {@link #STEP_BYTES} read, so the caller can pace it.
 *
 * <p>Invariants. (1) Outputs take the id major of the newest input with higher minors, so in
 * recovery's id order they come after every input and before every segment written later: every
 * record they hold is either the key's newest or superseded by a later segment. (2) A record is
 * copied only while the key directory points at it, and the directory is switched to the copy only
 * if it still points at the original (a compare-and-set per key), so a concurrent write always
 * wins and writers never wait on compaction. (3) A removal marker, and the marker that replaces a
 * tombstone-only state past its grace, may be dropped only when every segment older than the
 * outputs is an input; otherwise an older record of the key could come back at the next recovery.
 * (4) Inputs are deleted only after the outputs are forced and have hint files.
 */
final class Compactor {
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);
    /** Bytes read per step: large enough to amortize a scheduling hop, small enough to pace the I/O. */
    static final long STEP_BYTES = 1 << 20;

    private final LogStore store;
    private final List<Segment> inputs;
    private final boolean dropMarkers;
    private final long tombstoneCutoffMillis;
    private final int outputMajor;
    private int nextMinor;
    private int inputIndex;
    private SegmentScanner scanner;
    private Segment output;
    private List<HintFile.Entry> outputEntries;
    private final List<Segment> outputs = new ArrayList<>();
    private final List<List<HintFile.Entry>> outputHints = new ArrayList<>();

    Compactor(LogStore store, List<Segment> due) {
        this.store = store;
        this.inputs = new ArrayList<>(due);
        inputs.sort(Comparator.comparingLong(Segment::id));
        long newest = inputs.get(inputs.size() - 1).id();
        Set<Long> inputIds = new HashSet<>();
        inputs.forEach(s -> inputIds.add(s.id()));
        boolean olderOutside = false;
        int minorMax = 0;
        for (Segment s : store.segments()) {
            olderOutside |= s.id() <= newest && !inputIds.contains(s.id());
            if (Segment.major(s.id()) == Segment.major(newest)) {
                minorMax = Math.max(minorMax, Segment.minor(s.id()));
            }
        }
        this.dropMarkers = !olderOutside;
        this.outputMajor = Segment.major(newest);
        this.nextMinor = minorMax + 1;
        this.tombstoneCutoffMillis = store.wallMillis() - store.settings().tombstoneGraceMillis();
    }

    /** Reads up to about {@code budgetBytes} of input and copies what is live; true when the compaction is complete. */
    boolean step(long budgetBytes) throws IOException {
        long read = 0;
        while (read < budgetBytes) {
            if (scanner == null) {
                if (inputIndex == inputs.size()) {
                    finish();
                    return true;
                }
                scanner = new SegmentScanner(inputs.get(inputIndex));
            }
            SegmentScanner.Found found = scanner.next();
            if (found == null) {
                store.countCorrupt(scanner.corruptRegions());
                scanner = null;
                inputIndex++;
                continue;
            }
            read += found.header().recordBytes();
            copyIfLive(inputs.get(inputIndex), found);
        }
        return false;
    }

    /** After a failure: the outputs stay (the directory may point into them) and recovery will scan them; the inputs stay too. */
    void abandon() {
        log.warn("compaction of {} abandoned; {} partial outputs kept", inputs, outputs.size());
    }

    private void copyIfLive(Segment input, SegmentScanner.Found found) throws IOException {
        KeyDirectory keydir = store.keydir();
        RecordFormat.Header header = found.header();
        byte[] key = found.key();
        if (header.removed()) {
            if (!dropMarkers && keydir.get(key) == null) {
                append(scanner.recordBytes(found), header, key);
            }
            return;
        }
        Location at = new Location(input.handle(), found.offset(), header.recordBytes());
        if (!at.equals(keydir.get(key))) {
            return; // superseded: this is the garbage compaction exists to drop
        }
        if (header.tombstone() && header.wallMillis() < tombstoneCutoffMillis) {
            if (keydir.remove(key, at) && !dropMarkers) {
                byte[] marker = RecordFormat.encode(RecordFormat.FLAG_REMOVED, key, new byte[0], header.wallMillis());
                append(marker, RecordFormat.parseHeader(marker, 0, marker.length), key);
            }
            return;
        }
        Location moved = append(scanner.recordBytes(found), header, key);
        if (keydir.replace(key, at, moved)) {
            store.moved(key, at, moved);
        } else {
            output.addDead(moved.length()); // a writer got there first
        }
    }

    private Location append(byte[] record, RecordFormat.Header header, byte[] key) throws IOException {
        if (output == null || output.size() + record.length > store.settings().segmentBytes()) {
            output = store.createSegment(Segment.id(outputMajor, nextMinor++));
            outputEntries = new ArrayList<>();
            outputs.add(output);
            outputHints.add(outputEntries);
        }
        int offset = (int) output.size();
        output.append(record);
        outputEntries.add(new HintFile.Entry(header.flags(), offset, record.length, header.wallMillis(), key));
        if (header.tombstone()) {
            output.addTombstone(header.wallMillis());
        }
        // A removal marker copied here is still needed (an older segment outside this compaction may
        // hold the key), so it is not counted dead: counted dead, an output of mostly markers would be
        // due again at once and be rewritten, markers and all, at every check.
        return new Location(output.handle(), offset, record.length);
    }

    private void finish() throws IOException {
        for (int i = 0; i < outputs.size(); i++) {
            Segment s = outputs.get(i);
            if (store.settings().sync() != SyncPolicy.NEVER) {
                s.force();
            }
            HintFile.write(s.hintPath(), outputHints.get(i));
            s.seal();
        }
        dropLeftovers();
        long before = 0;
        for (Segment s : inputs) {
            before += s.size();
        }
        store.retire(inputs);
        long after = outputs.stream().mapToLong(Segment::size).sum();
        log.info("compacted {} segments ({} bytes) into {} ({} bytes)", inputs.size(), before, outputs.size(), after);
    }

    /** Keys still pointing into an input now point at records that failed their check: they are dropped, never served. */
    private void dropLeftovers() {
        Set<Integer> handles = new HashSet<>();
        inputs.forEach(s -> handles.add(s.handle()));
        KeyDirectory keydir = store.keydir();
        List<byte[]> stale = new ArrayList<>();
        List<Location> where = new ArrayList<>();
        keydir.forEach((key, location) -> {
            if (handles.contains(location.segment())) {
                stale.add(key);
                where.add(location);
            }
        });
        for (int i = 0; i < stale.size(); i++) {
            keydir.remove(stale.get(i), where.get(i));
        }
    }
}
