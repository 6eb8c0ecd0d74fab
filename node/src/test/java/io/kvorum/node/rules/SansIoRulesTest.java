package io.kvorum.node.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the sans-I/O rule over every module's main sources (style.md 6.1/6.2; Cassandra's
 * checkstyle bans are the model): protocol code never reads clocks, sleeps, starts threads, draws
 * unseeded randomness, reads the environment, or imports Vert.x, Netty, sockets or files. Only the
 * edges may: {@code node.runtime}, {@code http}, {@code bench}, {@code admin} (like bench, an HTTP
 * client), {@code client}, the file-owning storage engines and the config loader. A line ending in {@code // sans-io: permitted (<reason>)} is exempt.
 */
class SansIoRulesTest {
    private static final List<Pattern> BANNED_CALLS = Stream.of(
            "System\\.currentTimeMillis", "System\\.nanoTime", "Instant\\.now", "LocalDateTime\\.now",
            "new Random\\(", "ThreadLocalRandom", "Math\\.random", "Thread\\.sleep", "Executors\\.",
            "new Thread\\(", "System\\.getProperty", "System\\.getenv", "Collections\\.shuffle\\([^,]*\\)")
            .map(Pattern::compile).toList();
    private static final Pattern BANNED_IMPORT = Pattern.compile(
            "^import (static )?(io\\.vertx|io\\.netty|java\\.net\\.|java\\.nio\\.file|java\\.nio\\.channels|java\\.io\\.File)");
    private static final String PERMIT = "// sans-io: permitted";

    /** Packages at the edges, where I/O, time and threads belong. */
    private static final List<String> EDGES = List.of(
            "io/kvorum/node/runtime/", "io/kvorum/http/", "io/kvorum/bench/", "io/kvorum/admin/", "io/kvorum/config/",
            // The client library is a network edge: it owns sockets, a refresh thread and back-off waits.
            "io/kvorum/client/");
    /** Engines own files but, like all protocol code, never clocks or threads of their own. */
    private static final String FILE_OWNERS = "io/kvorum/storage/engine/";
    /**
     * Stricter rules for the packages whose every output must be reproducible bit for bit: no
     * hash-ordered collection (its iteration order is salted per JVM run, style.md 6.3), no locks,
     * and the gossip module stays independent of the ring. Handoff and anti-entropy iterate their
     * owners and peers, so the simulator's replays depend on that order too.
     */
    private static final Map<String, List<String>> STRICT = Map.of(
            "io/kvorum/ring/", List.of("HashMap", "HashSet", "Set.of(", "Map.of(", "Set.copyOf", "Map.copyOf",
                    "synchronized", "SecureRandom", "Clock.system"),
            "io/kvorum/storage/merkle/", List.of("HashMap", "HashSet", "Set.of(", "Map.of(", "Set.copyOf", "Map.copyOf",
                    "synchronized", "SecureRandom"),
            "io/kvorum/node/handoff/", List.of("HashMap", "HashSet", "Set.of(", "Map.of(", "synchronized"),
            "io/kvorum/node/antientropy/", List.of("HashMap", "HashSet", "Set.of(", "Map.of(", "synchronized"),
            "io/kvorum/gossip/", List.of("HashMap", "HashSet", "Set.of(", "Map.of(", "Set.copyOf", "Map.copyOf",
                    "synchronized", "SecureRandom", "Clock.system", "RandomGeneratorFactory", "io.kvorum.ring"));

    @Test
    void protocolCodeStaysSansIo() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> sources = mainSources();
        assertTrue(sources.size() > 50, "found only " + sources.size() + " sources: is the repository root right?");
        for (Path source : sources) {
            String path = source.toString().replace('\\', '/');
            if (EDGES.stream().anyMatch(path::contains)) {
                continue;
            }
            List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.contains(PERMIT) || line.trim().startsWith("*") || line.trim().startsWith("//")) {
                    continue;
                }
                boolean importBanned = BANNED_IMPORT.matcher(line).find() && !path.contains(FILE_OWNERS);
                boolean callBanned = BANNED_CALLS.stream().anyMatch(p -> p.matcher(line).find());
                boolean strictBanned = STRICT.entrySet().stream()
                        .anyMatch(rule -> path.contains(rule.getKey()) && rule.getValue().stream().anyMatch(line::contains));
                if (importBanned || callBanned || strictBanned) {
                    violations.add(path + ":" + (i + 1) + ": " + line.trim());
                }
            }
        }
        assertEquals(List.of(), violations, "sans-I/O rule broken (style.md 6.2); move the call to the runtime or inject it");
    }

    private static List<Path> mainSources() throws IOException {
        Path root = repositoryRoot();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().replace('\\', '/').contains("/src/main/java/"))
                    .sorted()
                    .toList();
        }
    }

    private static Path repositoryRoot() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path pom = dir.resolve("pom.xml");
            if (Files.exists(pom) && Files.readString(pom).contains("<module>node</module>")) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no parent pom above " + Path.of("").toAbsolutePath());
    }
}
