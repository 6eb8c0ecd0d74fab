package io.kvorum.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own linter, {@code promtool check metrics}, run on an exposition. Debian's
 * {@code prometheus} package ships it (.ci/run installs it when it can); without it the calling test
 * is skipped with a message saying so, not passed.
 */
public final class Promtool {
    /** What promtool said: its exit status and everything it printed. */
    public record Verdict(int exitStatus, String output) {}

    private Promtool() {}

    /** The promtool on PATH (or in /usr/bin), or a skipped test. */
    public static Path require() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        for (String dir : (path + ":/usr/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        assumeTrue(false, "promtool is not installed: skipping the Prometheus exposition lint"
                + " (apt-get install prometheus provides it; .ci/run installs it when run as root)");
        throw new IllegalStateException("unreachable");
    }

    /** Runs {@code promtool check metrics} on {@code exposition}. */
    public static Verdict checkMetrics(Path promtool, String exposition) throws IOException, InterruptedException {
        return run(promtool, List.of("check", "metrics"), Path.of("."), exposition);
    }

    /** Runs {@code promtool <arguments>} in {@code directory}, with {@code input} on its stdin. */
    public static Verdict run(Path promtool, List<String> arguments, Path directory, String input)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool " + arguments + " did not finish within 60 s");
        }
        return new Verdict(process.exitValue(), output);
    }
}
