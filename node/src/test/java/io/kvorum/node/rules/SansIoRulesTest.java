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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the sans-I/O rule over every module's main sources (style.md 6.1/6.2; Cassandra's
 * checkstyle bans are the model): protocol code never reads clocks, sleeps, starts threads, draws
 * unseeded randomness, reads the environment, or imports Vert.x, Netty, sockets or files. Only the
 * edges may: {@code node.runtime}, {@code http}, {@code bench}, {@code admin} (like bench, an HTTP
 * client), {@code client}, the file-owning storage engines and the config loader. Pure packages also keep off all of
 * {@code java.io}, {@code java.util.concurrent} and {@code synchronized}; the node's deciding packages off
 * hash-ordered collections; and the node's packages form no cycle. A line ending in
 * {@code // sans-io: permitted (<reason>)} is exempt.
 */
class SansIoRulesTest {
    private static final List<Pattern> BANNED_CALLS = Stream.of(
            // A method reference (System::nanoTime) reads the clock as surely as a call.
            "System(\\.|::)currentTimeMillis", "System(\\.|::)nanoTime", "Instant(\\.|::)now", "LocalDateTime(\\.|::)now",
            "new Random\\(", "ThreadLocalRandom", "Math\\.random", "Thread\\.sleep", "Executors\\.",
            "new Thread\\(", "System\\.getProperty", "System\\.getenv", "Collections\\.shuffle\\([^,]*\\)")
            .map(Pattern::compile).toList();
    private static final Pattern BANNED_IMPORT = Pattern.compile(
            "^import (static )?(io\\.vertx|io\\.netty|java\\.net\\.|java\\.nio\\.file|java\\.nio\\.channels|java\\.io\\.File)");
    /**
     * What only the edges and the storage owners may use: any of {@code java.io} (a pure package has no
     * stream to read or exception to wrap) and {@code java.util.concurrent} (a pure package has one
     * owner thread, so no futures, executors, atomics or concurrent maps), nor {@code synchronized}.
     */
    private static final Pattern BANNED_IN_PURE = Pattern.compile(
            "^import (static )?(java\\.io\\.|java\\.util\\.concurrent)|\\bsynchronized\\b");
    /**
     * Hash-ordered collections in the node's deciding packages: their iteration order is salted per
     * JVM run (style.md 6.3), so a map built here could reorder messages, replies or siblings between
     * replays of one seed. Use a List, TreeMap/TreeSet, LinkedHashMap/LinkedHashSet or EnumMap.
     */
    private static final List<String> HASH_ORDERED = List.of("new HashMap", "new HashSet", "Set.of(", "Map.of(", "Set.copyOf",
            "Map.copyOf", "Collectors.toSet", "Collectors.toMap", "Collectors.groupingBy", "Collectors.toUnmodifiableSet",
            "Collectors.toUnmodifiableMap");
    private static final List<String> DECIDING = List.of("io/kvorum/node/core/", "io/kvorum/node/coordinator/",
            "io/kvorum/node/protocol/");
    private static final String PERMIT = "// sans-io: permitted";

    /** Packages at the edges, where I/O, time and threads belong. */
    private static final List<String> EDGES = List.of(
            "io/kvorum/node/runtime/", "io/kvorum/http/", "io/kvorum/bench/", "io/kvorum/admin/", "io/kvorum/config/",
            // The client library is a network edge: it owns sockets, a refresh thread and back-off waits.
            "io/kvorum/client/");
    /** Engines own files but, like all protocol code, never clocks or threads of their own. */
    private static final String FILE_OWNERS = "io/kvorum/storage/engine/";
    /**
     * Engines and hint stores are called from the runtime's storage workers, so they may lock and
     * use {@code java.io} and {@code java.util.concurrent}.
     */
    private static final List<String> STORAGE_OWNERS = List.of(FILE_OWNERS, "io/kvorum/storage/hint/");
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
                boolean pureBanned = STORAGE_OWNERS.stream().noneMatch(path::contains) && BANNED_IN_PURE.matcher(line).find();
                boolean hashOrdered = DECIDING.stream().anyMatch(path::contains) && HASH_ORDERED.stream().anyMatch(line::contains);
                if (importBanned || callBanned || strictBanned || pureBanned || hashOrdered) {
                    violations.add(path + ":" + (i + 1) + ": " + line.trim());
                }
            }
        }
        assertEquals(List.of(), violations, "sans-I/O rule broken (style.md 6.2); move the call to the runtime or inject it");
    }

    @Test
    void everyMainPackageHasAPackageInfo() throws IOException {
        Set<Path> packages = new TreeSet<>();
        mainSources().forEach(source -> packages.add(source.getParent()));
        List<String> missing = packages.stream().filter(dir -> !Files.exists(dir.resolve("package-info.java")))
                .map(Path::toString).toList();
        assertTrue(packages.size() > 10, "found only " + packages.size() + " packages");
        assertEquals(List.of(), missing, "add a package-info.java saying what lives in the package and what must not (style.md 6.1)");
    }

    /**
     * The node's packages depend on each other one way only (Lakos's levelization): shared records
     * and plumbing live in {@code node.protocol}, below {@code core}, {@code coordinator},
     * {@code handoff} and {@code antientropy}, so each can be read and tested without the others above it.
     */
    @Test
    void nodePackagesFormNoCycle() throws IOException {
        Map<String, Set<String>> imports = new TreeMap<>();
        for (Path source : mainSources()) {
            String pkg = packageOf(source);
            if (!pkg.startsWith(NODE_PACKAGE)) {
                continue;
            }
            Set<String> targets = imports.computeIfAbsent(pkg, p -> new TreeSet<>());
            for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
                Matcher imported = NODE_IMPORT.matcher(line);
                if (imported.find() && !imported.group(1).equals(pkg)) {
                    targets.add(imported.group(1));
                }
            }
        }
        assertTrue(imports.size() >= 8, "found only " + imports.keySet());
        List<String> cycles = new ArrayList<>();
        for (String start : imports.keySet()) {
            List<String> path = cycleThrough(start, start, imports, new ArrayList<>(List.of(start)), new TreeSet<>());
            if (path != null) {
                cycles.add(String.join(" -> ", path));
            }
        }
        assertEquals(List.of(), cycles, "package cycle in node: move the shared type down (to node.protocol)");
    }

    /** A path from {@code at} back to {@code start}, or null. */
    private static List<String> cycleThrough(String start, String at, Map<String, Set<String>> imports, List<String> path,
                                             Set<String> visited) {
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (visited.add(next)) {
                path.add(next);
                List<String> found = cycleThrough(start, next, imports, path, visited);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    private static final String NODE_PACKAGE = "io.kvorum.node.";
    /** An import of a node type (or of a member of one): group 1 is its package, up to the first capitalised name. */
    private static final Pattern NODE_IMPORT = Pattern.compile("^import (?:static )?(io\\.kvorum\\.node(?:\\.[a-z][a-z0-9]*)+)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

    private static String packageOf(Path source) throws IOException {
        Matcher declared = PACKAGE.matcher(Files.readString(source, StandardCharsets.UTF_8));
        return declared.find() ? declared.group(1) : "";
    }

    /**
     * Every module's {@code src/main/java} sources. Only those folders are walked: walking the whole
     * repository raced with the build writing and deleting files under {@code target/} meanwhile.
     */
    private static List<Path> mainSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repositoryRoot())) {
            for (Path main : modules.map(module -> module.resolve("src/main/java")).filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        sources.sort(null);
        return sources;
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
