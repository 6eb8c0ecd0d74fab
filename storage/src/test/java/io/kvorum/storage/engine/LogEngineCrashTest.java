package io.kvorum.storage.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvorum.common.Bytes;
import io.kvorum.common.Key;
import io.kvorum.storage.version.Sibling;
import io.kvorum.storage.version.Siblings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM with SIGKILL in the middle of concurrent writes under {@code always}, several
 * times on the same directory: after every kill, every write the child acknowledged is there.
 */
class LogEngineCrashTest {
    private static final int RUNS = 4;
    private static final int WRITERS = 8;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        killRepeatedly("blocking");
    }

    /** The path a node's event loop takes: appends without waiting, acknowledged when the sync task's fsync completes. */
    @Test
    void everyWriteAcknowledgedThroughTheNonBlockingPathSurvivesSigkill() throws Exception {
        killRepeatedly("ready");
    }

    private void killRepeatedly(String mode) throws Exception {
        long seed = Long.getLong("kvorum.test.seed", System.nanoTime()); // only how many acks to wait for
        System.out.println("LogEngineCrashTest " + mode + " seed=" + seed);
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, String> acked = new ConcurrentHashMap<>(); // key -> last acknowledged value
        AtomicInteger viaReadyPath = new AtomicInteger();
        for (int run = 1; run <= RUNS; run++) {
            int killAfter = 300 + random.nextInt(2_000);
            runAndKill(run, killAfter, mode, acked, viaReadyPath);
            verify(acked, mode + " seed=" + seed + " run " + run);
        }
        assertEquals(mode.equals("ready"), viaReadyPath.get() > 0, viaReadyPath + " writes took the non-blocking path");
    }

    private void runAndKill(int run, int killAfter, String mode, Map<String, String> acked, AtomicInteger viaReadyPath)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                dir.toString(), String.valueOf(WRITERS), String.valueOf(run), mode);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = builder.start();
        AtomicInteger count = new AtomicInteger();
        Thread reader = Thread.ofPlatform().start(() -> readAcks(child, acked, count, viaReadyPath));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> count.get() >= killAfter || !child.isAlive());
            assertTrue(child.isAlive(), "the child died by itself");
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no close, no flush
            child.waitFor();
            reader.join();
        }
    }

    private static void readAcks(Process child, Map<String, String> acked, AtomicInteger count, AtomicInteger viaReadyPath) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("ACK-READY ")) {
                    viaReadyPath.incrementAndGet();
                    line = "ACK " + line.substring("ACK-READY ".length());
                }
                if (line.startsWith("ACK ")) {
                    String[] parts = line.split(" ", 3);
                    if (parts.length == 3) { // a line cut by the kill was never a whole acknowledgement
                        acked.put(parts[1], parts[2]);
                        count.incrementAndGet();
                    }
                }
            }
        } catch (IOException e) {
            // the pipe breaks when the child dies
        }
    }

    private void verify(Map<String, String> acked, String context) {
        try (ThreadScheduler scheduler = new ThreadScheduler();
             LogEngine engine = LogEngine.open(dir, StorageEngineContract::hashToken, LogSettings.defaults(),
                     new LogEnvironment(scheduler, () -> 1_000_000))) {
            for (Map.Entry<String, String> e : acked.entrySet()) {
                Siblings state = engine.get(Key.of(e.getKey()));
                boolean present = state.siblings().stream().map(Sibling::value).anyMatch(Bytes.utf8(e.getValue())::equals);
                assertTrue(present || supersededByALaterWrite(state, e.getValue()),
                        context + ": acknowledged " + e.getKey() + "=" + e.getValue() + " lost; stored " + state);
            }
            assertEquals(0, engine.stats().corruptRecords(), context + ": a crash tears only the tail");
        }
    }

    /** The child overwrites a key with its own context, so a later value of the same writer supersedes an earlier one. */
    private static boolean supersededByALaterWrite(Siblings state, String ackedValue) {
        String[] parts = ackedValue.split("-");
        String writerRun = parts[0] + "-" + parts[1];
        long ackedIndex = Long.parseLong(parts[2]);
        for (Sibling s : state.siblings()) {
            String[] p = s.value().utf8String().split("-");
            if ((p[0] + "-" + p[1]).equals(writerRun) && Long.parseLong(p[2]) > ackedIndex) {
                return true;
            }
            if (p[0].compareTo(parts[0]) > 0) {
                return true; // a later run wrote the key
            }
        }
        return false;
    }
}
