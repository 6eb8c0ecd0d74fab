package io.kvorum.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands of {@code scripts/kvorum} a newcomer runs from the README (issue 19). {@code jdk} prints a
 * line a shell can evaluate, and {@code node --help} runs a node's entry point with the JDK the script
 * found, whatever the default {@code java} is. The README's one-module test commands ({@code scripts/kvorum test -pl ring} and
 * {@code test -pl storage -Dtest=SiblingsTest}) work on a fresh clone (issue 19): run for real in a
 * copy of the sources with no {@code target/} folders, against a local Maven repository that holds
 * everything this build downloaded except any {@code io.kvorum} artifact, offline. Before the fix,
 * both failed with "Could not find artifact io.kvorum:kvorum-config".
 */
class ScriptCommandsIT {
    private static final long TIMEOUT_SECONDS = 240;
    /** What a fresh clone does not have: build output, node data, the repository's history. */
    private static final Set<String> NOT_CLONED = Set.of("target", "data", ".git");

    @Test
    void jdkPrintsALineAShellCanEvaluateAndHomeThePathAlone(@TempDir Path temp) {
        Path root = repositoryRoot();
        String home = System.getProperty("java.home");
        assertEquals(home, run(new ProcessBuilder("bash", root.resolve("scripts/kvorum").toString(), "jdk", "--home"), temp,
                "KVORUM_NO_BUILD", "1").output().strip());
        // What the README says to do: eval its output, after which java is that JDK.
        Result evaluated = run(new ProcessBuilder("bash", "-c", "eval \"$(bash '" + root.resolve("scripts/kvorum")
                + "' jdk)\" && printf '%s\\n' \"$JAVA_HOME\" && command -v java"), temp, "KVORUM_NO_BUILD", "1");
        assertEquals(0, evaluated.exit(), evaluated.output());
        assertEquals(List.of(home, Path.of(home, "bin", "java").toString()), evaluated.output().strip().lines().toList());
    }

    @Test
    void nodeRunsTheNodesEntryPointWithTheFoundJdk(@TempDir Path temp) {
        Path root = repositoryRoot();
        Result help = run(new ProcessBuilder("bash", root.resolve("scripts/kvorum").toString(), "node", "--help"), temp,
                "KVORUM_NO_BUILD", "1");
        assertEquals(0, help.exit(), help.output());
        assertTrue(help.output().contains("node.id") && help.output().contains("quorum.request-timeout"), help.output());
        Result bad = run(new ProcessBuilder("bash", root.resolve("scripts/kvorum").toString(), "node", "--quorum.n=0"), temp,
                "KVORUM_NO_BUILD", "1");
        assertTrue(bad.exit() != 0 && bad.output().contains("quorum.n"), bad.output());
    }

    @Test
    void simRunsTheChosenSeedsInParallelAndRefusesABadCount(@TempDir Path temp) {
        Path root = repositoryRoot();
        String command = dryRun(root, temp, "sim", "--seeds", "300", "--start", "1001", "--jobs", "3");
        assertTrue(command.contains("-Dkvorum.sim.count=300") && command.contains("-Dkvorum.sim.start=1001")
                && command.contains("-Djunit.jupiter.execution.parallel.config.fixed.parallelism=3")
                && command.contains("SetWorkloadSimulationTest"), command);
        Result bad = run(new ProcessBuilder("bash", root.resolve("scripts/kvorum").toString(), "sim", "--seeds", "many"), temp,
                "KVORUM_TEST_DRY_RUN", "1");
        assertTrue(bad.exit() != 0 && bad.output().contains("--seeds must be a whole number"), bad.output());
    }

    @Test
    void theArgumentsTheScriptAddsForOneModule(@TempDir Path temp) {
        Path root = repositoryRoot();
        assertEquals("mvn -B -Dstyle.color=never verify -pl ring -am",
                dryRun(root, temp, "test", "-pl", "ring"));
        assertEquals("mvn -B -Dstyle.color=never verify -pl storage -Dtest=SiblingsTest -am"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -DskipITs",
                dryRun(root, temp, "test", "-pl", "storage", "-Dtest=SiblingsTest"));
        assertEquals("mvn -B -Dstyle.color=never verify -pl node -am -Dtest=A -Dit.test=BIT"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false",
                dryRun(root, temp, "test", "-pl", "node", "-am", "-Dtest=A", "-Dit.test=BIT"));
        assertEquals("mvn -B -Dstyle.color=never verify", dryRun(root, temp, "test"));
    }

    @Test
    void theReadmesOneModuleCommandsPassOnAFreshClone(@TempDir Path temp) throws IOException {
        Path clone = temp.resolve("clone");
        copySources(repositoryRoot(), clone);
        Path repository = repositoryWithoutKvorum(temp.resolve("m2"));
        try {
            runBothCommands(clone, temp, repository);
        } finally {
            removeLinks(repository); // links only: JUnit would warn about each one it deletes
        }
    }

    private static void runBothCommands(Path clone, Path temp, Path repository) throws IOException {
        String ring = runMaven(clone, temp, repository, "test", "-pl", "ring");
        assertTrue(ring.contains("in io.kvorum.ring.RingTest"), ring);
        assertTrue(ring.contains("BUILD SUCCESS"), ring);

        String siblings = runMaven(clone, temp, repository, "test", "-pl", "storage", "-Dtest=SiblingsTest");
        assertTrue(siblings.contains("in io.kvorum.storage.version.SiblingsTest"), siblings);
        assertFalse(siblings.contains("in io.kvorum.config."), () -> "tests of config ran too:\n" + siblings);
        assertFalse(siblings.contains("in io.kvorum.storage.engine."), () -> "other storage tests ran:\n" + siblings);
        assertTrue(siblings.contains("BUILD SUCCESS"), siblings);
        try (Stream<Path> files = Files.walk(repository.resolve("io"), 1)) {
            assertFalse(files.anyMatch(path -> path.endsWith("kvorum")), "the build installed kvorum artifacts");
        }
    }

    private static String dryRun(Path root, Path temp, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("scripts/kvorum").toString()));
        command.addAll(List.of(args));
        Result result = run(new ProcessBuilder(command), temp, "KVORUM_TEST_DRY_RUN", "1");
        assertEquals(0, result.exit(), result.output());
        return result.output().strip();
    }

    /** scripts/kvorum in {@code clone}, offline, with {@code repository} as Maven's local repository. */
    private static String runMaven(Path clone, Path temp, Path repository, String... args) {
        List<String> command = new ArrayList<>(List.of("bash", clone.resolve("scripts/kvorum").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-o", "-Dmaven.repo.local=" + repository));
        Result result = run(new ProcessBuilder(command), temp, "KVORUM_TEST_DRY_RUN", "0");
        assertEquals(0, result.exit(), () -> String.join(" ", command) + " failed:\n" + result.output());
        return result.output();
    }

    private record Result(int exit, String output) {}

    private static Result run(ProcessBuilder builder, Path temp, String name, String value) {
        builder.directory(temp.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(variable -> variable.startsWith("KVORUM_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put(name, value);
        Path output = temp.resolve("output-" + System.nanoTime() + ".log");
        builder.redirectOutput(output.toFile());
        try {
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(builder.command() + " did not finish within " + TIMEOUT_SECONDS + " s:\n" + Files.readString(output));
            }
            return new Result(process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What a clone holds: every file but build output, data and .git. */
    private static void copySources(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(path);
                if (relative.toString().isEmpty()) {
                    continue;
                }
                boolean skipped = false;
                for (Path part : relative) {
                    skipped |= NOT_CLONED.contains(part.toString());
                }
                if (skipped) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target);
                }
            }
        }
    }

    /**
     * A local repository of links to every entry of this build's, except {@code io/kvorum}: all the
     * plugins and libraries, so the run can be offline, but no kvorum SNAPSHOT (as on a fresh machine).
     */
    private static Path repositoryWithoutKvorum(Path repository) throws IOException {
        Path source = Path.of(System.getProperty("kvorum.it.local-repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        assertTrue(Files.isDirectory(source.resolve("org/apache/maven")), "no local Maven repository at " + source);
        Files.createDirectories(repository.resolve("io"));
        try (Stream<Path> entries = Files.list(source)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("io")) {
                    Files.createSymbolicLink(repository.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        if (Files.isDirectory(source.resolve("io"))) {
            try (Stream<Path> entries = Files.list(source.resolve("io"))) {
                for (Path entry : entries.toList()) {
                    if (!entry.getFileName().toString().equals("kvorum")) {
                        Files.createSymbolicLink(repository.resolve("io").resolve(entry.getFileName().toString()), entry);
                    }
                }
            }
        }
        return repository;
    }

    private static void removeLinks(Path repository) throws IOException {
        for (Path dir : List.of(repository.resolve("io"), repository)) {
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path entry : entries.toList()) {
                    if (Files.isSymbolicLink(entry)) {
                        Files.delete(entry);
                    }
                }
            }
        }
    }

    /** The repository root: the first folder up from the working directory with scripts/kvorum. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/kvorum"))) {
                return dir;
            }
        }
        return fail("no scripts/kvorum above " + Path.of("").toAbsolutePath());
    }
}
