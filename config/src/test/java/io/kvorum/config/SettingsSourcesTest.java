package io.kvorum.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The loader works only on the inputs it is given: the process environment is read in exactly one
 * marked place, and system properties, clocks and threads not at all.
 */
class SettingsSourcesTest {
    private static final Path SOURCES = Path.of("src/main/java/io/kvorum/config");
    private static final Pattern BANNED = Pattern.compile(
            "System\\.getProperty|System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|new Random\\(|Thread\\.sleep|new Thread\\(");

    @Test
    void environmentIsReadOnlyByFromProcess() throws IOException {
        List<String> getenvLines = new ArrayList<>();
        List<String> bannedLines = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.contains("System.getenv")) {
                        getenvLines.add(file.getFileName() + ": " + line.strip());
                    }
                    if (BANNED.matcher(line).find()) {
                        bannedLines.add(file.getFileName() + ": " + line.strip());
                    }
                }
            }
        }

        assertEquals(List.of("ConfigLoader.java: return load(List.of(args), System.getenv());"),
                getenvLines.stream().filter(line -> !line.contains("permit:")).toList());
        assertTrue(bannedLines.isEmpty(), () -> "banned calls: " + bannedLines);
    }
}
