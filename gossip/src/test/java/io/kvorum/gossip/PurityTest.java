package io.kvorum.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The gossip module is pure (style.md §6.2): no clock, no unseeded randomness, no threads, no I/O,
 * no settings from the environment, no hash-ordered collections whose iteration could leak into
 * output, and no dependency on the ring.
 */
class PurityTest {
    private static final List<String> BANNED = List.of(
            "System.currentTimeMillis", "System.nanoTime", "Instant.now", "LocalDateTime.now", "Clock.system",
            "new Random(", "ThreadLocalRandom", "Math.random", "SecureRandom", "RandomGeneratorFactory",
            "Thread.sleep", "Executors.", "new Thread(", "synchronized",
            "System.getProperty", "System.getenv", "io.vertx", "import java.io", "import java.nio.file", "import java.net",
            "HashMap", "HashSet", "Set.of(", "Map.of(", "Set.copyOf", "Map.copyOf", "io.kvorum.ring");

    @Test
    void mainSourcesUseNoClockRandomnessThreadsIoOrHashOrder() throws IOException {
        Path sources = Path.of("src/main/java/io/kvorum/gossip");
        assertTrue(Files.isDirectory(sources), "run from the gossip module: " + sources.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    for (String banned : BANNED) {
                        if (lines.get(i).contains(banned)) {
                            violations.add(sources.relativize(file) + ":" + (i + 1) + " uses " + banned);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }
}
