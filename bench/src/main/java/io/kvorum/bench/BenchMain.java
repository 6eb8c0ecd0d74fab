package io.kvorum.bench;

import io.kvorum.bench.report.BenchReport;
import io.kvorum.bench.report.HtmlReport;
import io.kvorum.bench.report.JsonReport;
import io.kvorum.bench.report.RunResult;
import io.kvorum.bench.report.TextReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/** The command line: {@code kvorum bench [options]} or {@code kvorum bench ycsb <YCSB Client args>}. */
public final class BenchMain {

    /** Exit status when the correctness check found a stale read or a lost write. */
    static final int EXIT_CHECK_FAILED = 3;

    private BenchMain() {
    }

    /** Entry point. */
    public static void main(String[] args) throws Exception {
        List<String> list = Arrays.asList(args);
        if (!list.isEmpty() && list.get(0).equals("ycsb")) {
            site.ycsb.Client.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (list.contains("--help") || list.contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(list);
        } catch (IllegalArgumentException e) {
            System.err.println("kvorum bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options));
    }

    private static int run(BenchOptions options) {
        long seed = options.seed() != null ? options.seed() : System.nanoTime() & Long.MAX_VALUE;
        System.out.println("seed " + seed + " (replay the same key and operation sequence with --seed " + seed + ")");
        BenchReport report;
        try {
            report = Bench.run(options, seed, System.out::println);
        } catch (IllegalArgumentException e) {
            System.err.println("kvorum bench: " + e.getMessage());
            return 2;
        }
        System.out.println();
        System.out.print(TextReport.render(report));
        Path directory = outputDirectory(options);
        write(directory.resolve("result.json"), JsonReport.toJson(report).encodePrettily());
        write(directory.resolve("report.html"), HtmlReport.render(report));
        System.out.println("\nwrote " + directory.resolve("result.json") + " and " + directory.resolve("report.html"));
        boolean clean = report.runs().stream().map(RunResult::check).allMatch(check -> check == null || check.clean());
        return clean ? 0 : EXIT_CHECK_FAILED;
    }

    private static Path outputDirectory(BenchOptions options) {
        if (options.out() != null) {
            return Path.of(options.out());
        }
        String base = System.getProperty("kvorum.bench.out", "bench-results");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of(base, stamp + "-" + Path.of(options.workload()).getFileName());
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
