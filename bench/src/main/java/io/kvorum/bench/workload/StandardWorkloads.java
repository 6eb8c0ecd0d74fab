package io.kvorum.bench.workload;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * YCSB's standard workloads A, B, C, D and F, shipped as YCSB-format property files under
 * {@code /workloads/} (YCSB's own client reads the same files), and loading of any other such file.
 * E is refused with the reason: it is 95% range scans, and a Dynamo-style store has no key order.
 */
public final class StandardWorkloads {

    /** The built-in workload names. */
    public static final List<String> NAMES = List.of("a", "b", "c", "d", "f");

    private StandardWorkloads() {
    }

    /**
     * The workload named {@code nameOrFile} ("a", "workloadc", or a path to a property file), with
     * {@code overrides} (YCSB's {@code -p key=value}) applied on top.
     */
    public static WorkloadSpec load(String nameOrFile, Properties overrides) {
        String name = builtInName(nameOrFile);
        Properties properties = new Properties();
        if (name != null) {
            readResource(name, properties);
        } else {
            readFile(Path.of(nameOrFile), properties);
            name = Path.of(nameOrFile).getFileName().toString();
        }
        properties.putAll(overrides);
        return WorkloadSpec.parse(name, properties);
    }


    private static String builtInName(String nameOrFile) {
        String lower = nameOrFile.toLowerCase(Locale.ROOT);
        String letter = lower.startsWith("workload") ? lower.substring("workload".length()) : lower;
        if (letter.equals("e")) {
            throw new IllegalArgumentException("workload E is not offered: it is 95% range scans (SCAN), "
                    + "and a Dynamo-style store has no range scans: keys are hashed onto the ring, so there "
                    + "is no key order to scan. Use A, B, C, D or F");
        }
        return NAMES.contains(letter) ? letter : null;
    }

    private static InputStream resource(String name) {
        InputStream in = StandardWorkloads.class.getResourceAsStream("/workloads/workload" + name);
        if (in == null) {
            throw new IllegalStateException("built-in workload " + name + " is missing from the jar");
        }
        return in;
    }

    private static void readResource(String name, Properties properties) {
        try (Reader reader = new java.io.InputStreamReader(resource(name), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void readFile(Path file, Properties properties) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("workload '" + file + "' is neither a built-in workload ("
                    + String.join(", ", NAMES) + ") nor a readable property file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read workload file " + file, e);
        }
    }
}
