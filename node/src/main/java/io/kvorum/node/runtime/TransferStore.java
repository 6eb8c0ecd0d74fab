package io.kvorum.node.runtime;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.common.TokenRange;
import io.kvorum.node.transfer.TransferProgress;
import io.kvorum.node.transfer.TransferProgress.RangeProgress;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Persists the progress of the ranges a node receives in {@code <data-dir>/transfers}: the plan id,
 * then one line per range ({@code start end sourcesDone done keys bytes cursor-hex}). Written
 * atomically after every stored batch, so a restart resumes each range after its last stored key.
 */
final class TransferStore {
    private static final String FILE = "transfers";

    private TransferStore() {}

    static Optional<TransferProgress> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        try {
            long planId = Long.parseLong(lines.get(0).strip());
            List<RangeProgress> ranges = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.strip().split(" ");
                Optional<Key> after = f.length > 6 ? Optional.of(new Key(Bytes.wrapOwned(HexFormat.of().parseHex(f[6]))))
                        : Optional.empty();
                ranges.add(new RangeProgress(new TokenRange(Long.parseLong(f[0]), Long.parseLong(f[1])), after,
                        Integer.parseInt(f[2]), Boolean.parseBoolean(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])));
            }
            return Optional.of(new TransferProgress(planId, ranges));
        } catch (RuntimeException e) {
            throw new IOException(file + " is corrupt: " + e.getMessage());
        }
    }

    static void save(Path dataDir, TransferProgress progress) throws IOException {
        StringBuilder text = new StringBuilder().append(progress.planId()).append('\n');
        for (RangeProgress range : progress.ranges()) {
            text.append(range.range().startExclusive()).append(' ').append(range.range().endInclusive()).append(' ')
                    .append(range.sourcesDone()).append(' ').append(range.done()).append(' ').append(range.keys()).append(' ')
                    .append(range.bytes());
            range.after().ifPresent(key -> text.append(' ').append(HexFormat.of().formatHex(key.utf8().toByteArray())));
            text.append('\n');
        }
        Path temp = dataDir.resolve(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.UTF_8.encode(text.toString()));
            channel.force(true);
        }
        Files.move(temp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
