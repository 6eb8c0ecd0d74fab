package io.kvorum.node.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Persists the node's actor epoch in {@code <data-dir>/actor-epoch}. Every process start takes the
 * next epoch, because the dot issuer's floor lives in memory and a restarted node must never
 * reissue a dot (see {@code Actor} and {@code DotIssuer}); the new value is fsync'ed before the
 * node serves anything.
 */
final class EpochStore {
    private static final String FILE = "actor-epoch";

    private EpochStore() {}

    /** The epoch for this run: one past the stored one (0 for a new data directory). */
    static long next(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        long previous = -1;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            try {
                previous = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException(file + " is corrupt: '" + text + "' is not a number");
            }
        }
        long epoch = previous + 1;
        Path temp = dataDir.resolve(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.UTF_8.encode(Long.toString(epoch)));
            channel.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return epoch;
    }
}
