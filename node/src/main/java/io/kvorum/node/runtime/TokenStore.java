package io.kvorum.node.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Persists the ring tokens a node took when it joined, in {@code <data-dir>/tokens} (one per line),
 * so that a restarted node claims the same ranges instead of taking new ones. A first line
 * {@value #JOINING_MARK} says the node was still receiving its ranges: a restart resumes the join
 * instead of serving ranges it does not hold yet.
 */
final class TokenStore {
    private static final String FILE = "tokens";
    private static final String JOINING_MARK = "joining";
    private static final String LEFT_MARK = "left";

    /** The stored tokens, and whether the node had finished joining with them. */
    record Stored(List<Long> tokens, boolean joined) {}

    /**
     * Records that this node left the cluster (or was removed): its tokens are no longer its own, so
     * a restart joins afresh and streams its new ranges instead of serving ones it no longer holds.
     */
    static void markLeft(Path dataDir) throws IOException {
        Path temp = dataDir.resolve(FILE + ".tmp");
        Files.writeString(temp, LEFT_MARK + "\n", StandardCharsets.UTF_8);
        Files.move(temp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** True when this node left the cluster before: it must join again like a new node. */
    static boolean hasLeft(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        return Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).stream().anyMatch(line -> line.strip().equals(LEFT_MARK));
    }

    private TokenStore() {}

    static Optional<Stored> loadStored(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        boolean joining = Files.readAllLines(file, StandardCharsets.UTF_8).stream().anyMatch(line -> line.strip().equals(JOINING_MARK));
        return load(dataDir).map(tokens -> new Stored(tokens, !joining));
    }

    static Optional<List<Long>> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        List<Long> tokens = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.strip().equals(JOINING_MARK) && !line.strip().equals(LEFT_MARK)) {
                try {
                    tokens.add(Long.parseLong(line.trim()));
                } catch (NumberFormatException e) {
                    throw new IOException(file + " is corrupt: '" + line + "' is not a token");
                }
            }
        }
        return Optional.of(List.copyOf(tokens));
    }

    static void save(Path dataDir, List<Long> tokens) throws IOException {
        save(dataDir, tokens, true);
    }

    static void save(Path dataDir, List<Long> tokens, boolean joined) throws IOException {
        Path temp = dataDir.resolve(FILE + ".tmp");
        String text = (joined ? "" : JOINING_MARK + "\n")
                + tokens.stream().map(String::valueOf).collect(Collectors.joining("\n", "", "\n"));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(StandardCharsets.UTF_8.encode(text));
            channel.force(true);
        }
        Files.move(temp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
