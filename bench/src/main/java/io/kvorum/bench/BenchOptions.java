package io.kvorum.bench;

import io.kvorum.bench.client.Endpoint;
import io.kvorum.bench.run.ContextMode;
import io.kvorum.bench.run.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The harness's command line, parsed.
 *
 * @param workload           built-in name (a, b, c, d, f) or a YCSB property file
 * @param overrides          {@code -p key=value} YCSB properties
 * @param nodes              Kvorum nodes (empty: baseline only)
 * @param baseline           also run against the in-process baseline server (the ceiling)
 * @param phases             phases to run, in order
 * @param threads            concurrent operation streams
 * @param connections        keep-alive connections in total
 * @param targetOpsPerSecond 0: flat out
 * @param durationSeconds    run-phase length; 0: operationcount
 * @param warmupSeconds      run-phase warm-up, not counted; 0: none
 * @param r                  read quorum parameter or null
 * @param w                  write quorum parameter or null
 * @param seed               the seed, or null to pick one
 * @param check              correctness check on
 * @param checkR             r for the check's read-back, or null for {@code r}
 * @param contextMode        what context updates send
 * @param timeoutMillis      client request timeout
 * @param eventLoops         client event loops
 * @param baselineEventLoops baseline server instances
 * @param progressSeconds    seconds between progress lines
 * @param out                directory for result.json and report.html, or null for the default
 * @param token              bearer token for nodes with client authentication, or null
 * @param tlsCa              PEM file to trust for nodes with HTTPS, or null (plain HTTP)
 */
public record BenchOptions(String workload, Properties overrides, List<Endpoint> nodes, boolean baseline,
                           List<Phase> phases, int threads, int connections, double targetOpsPerSecond,
                           double durationSeconds, double warmupSeconds, String r, String w, Long seed,
                           boolean check, String checkR, ContextMode contextMode, long timeoutMillis,
                           int eventLoops, int baselineEventLoops, int progressSeconds, String out, String token,
                           String tlsCa) {

    /** The usage text. */
    public static final String USAGE = """
            Usage: kvorum bench [options]          YCSB-style run against Kvorum and/or the baseline
                   kvorum bench ycsb <args>        YCSB's own site.ycsb.Client (see README, Benchmarking)

              --workload a|b|c|d|f|FILE  YCSB core workload (built in, or a YCSB property file); default a.
                                         E is not offered: it needs range scans, which Kvorum has not.
              -p key=value               override a YCSB property (recordcount, operationcount, fieldcount, ...)
              --nodes host:port,...      Kvorum contact points; the client discovers every member and
                                         sends each request to a replica of its key
              --baseline                 also run the same workload against an in-process hash-map HTTP
                                         server (the ceiling); with no --nodes, run only that
              --phase load|run|both      default both
              --threads N                concurrent operations (YCSB threadcount); default = --connections
              --connections N            keep-alive connections in total, split over the nodes; default 16
              --target OPS               total target rate; latency then counts from each operation's
                                         intended start (no coordinated omission); default: flat out
              --duration SECONDS         length of the run phase (then operationcount is ignored)
              --warmup SECONDS           run the run phase (the baseline's too) this long before counting:
                                         its operations are real (--check still judges them) but enter no
                                         throughput, latency, error or progress figure; lets the JIT
                                         compile nodes and client first (about 60 on 2 cores); default 0
              --r R / --w W              r for reads, w for writes (1..N, one, quorum, all); default: node's
              --seed S                   seed for every generator; default: picked and printed
              --check                    record every acknowledged write, judge every read, read every
                                         written key back at the end; report stale reads and lost writes
              --check-r R                r of the final read-back (default: --r)
              --context cache|none       context sent by UPDATE: newest seen for the key (default) or none
              --timeout-ms MS            client timeout per request; default 10000
              --event-loops N            client event loops; default: available processors
              --baseline-event-loops N   baseline server instances; default: available processors
              --progress SECONDS         progress line interval; default 5 (0: none)
              --out DIR                  where result.json and report.html go
              --token TOKEN              bearer token for nodes with http.auth.tokens-file (default: none;
                                         also read from the environment variable KVORUM_TOKEN)
              --tls-ca FILE              speak HTTPS to the nodes (http.tls.*), trusting the PEM
                                         certificates in FILE (a CA or the nodes' own certificate)
            """;

    /** Parses {@code args}; throws {@link IllegalArgumentException} with a one-line reason. */
    public static BenchOptions parse(List<String> args) {
        Parser parser = new Parser(args);
        return parser.parse();
    }

    private static final class Parser {
        private final List<String> args;
        private int index;
        private String workload = "a";
        private final Properties overrides = new Properties();
        private List<Endpoint> nodes = List.of();
        private boolean baseline;
        private List<Phase> phases = List.of(Phase.LOAD, Phase.RUN);
        private Integer threads;
        private int connections = 16;
        private double target;
        private double duration;
        private double warmup;
        private String r;
        private String w;
        private Long seed;
        private boolean check;
        private String checkR;
        private ContextMode contextMode = ContextMode.CACHE;
        private long timeoutMillis = 10_000;
        private int eventLoops = Runtime.getRuntime().availableProcessors();
        private int baselineEventLoops = Runtime.getRuntime().availableProcessors();
        private int progress = 5;
        private String out;
        private String token = System.getenv("KVORUM_TOKEN");
        private String tlsCa;

        Parser(List<String> args) {
            this.args = args;
        }

        BenchOptions parse() {
            while (index < args.size()) {
                option(args.get(index++));
            }
            if (nodes.isEmpty() && !baseline) {
                throw new IllegalArgumentException("give --nodes host:port,... (a Kvorum cluster), --baseline, or both");
            }
            return new BenchOptions(workload, overrides, nodes, baseline, phases, threads == null ? connections : threads,
                    connections, target, duration, warmup, r, w, seed, check, checkR, contextMode, timeoutMillis,
                    eventLoops, baselineEventLoops, progress, out, token == null || token.isBlank() ? null : token.strip(), tlsCa);
        }

        private void option(String option) {
            switch (option) {
                case "--workload" -> workload = value(option);
                case "-p" -> property(value(option));
                case "--nodes" -> nodes = Endpoint.parseList(value(option));
                case "--baseline" -> baseline = true;
                case "--phase" -> phases = phases(value(option));
                case "--threads" -> threads = positiveInt(option);
                case "--connections" -> connections = positiveInt(option);
                case "--target" -> target = number(option);
                case "--duration" -> duration = number(option);
                case "--warmup" -> warmup = number(option);
                case "--r" -> r = value(option);
                case "--w" -> w = value(option);
                case "--seed" -> seed = seed(option);
                case "--check" -> check = true;
                case "--check-r" -> checkR = value(option);
                case "--context" -> contextMode = contextMode(value(option));
                case "--timeout-ms" -> timeoutMillis = positiveInt(option);
                case "--event-loops" -> eventLoops = positiveInt(option);
                case "--baseline-event-loops" -> baselineEventLoops = positiveInt(option);
                case "--progress" -> progress = (int) number(option);
                case "--out" -> out = value(option);
                case "--token" -> token = value(option);
                case "--tls-ca" -> tlsCa = value(option);
                default -> throw new IllegalArgumentException("unknown option '" + option + "' (see --help)");
            }
        }

        /** A seed as printed by a run (any long), so it always replays exactly. */
        private long seed(String option) {
            String text = value(option);
            try {
                return Long.parseLong(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a whole number, got '" + text + "'");
            }
        }

        private String value(String option) {
            if (index >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(index++);
        }

        private void property(String pair) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("-p takes key=value, got '" + pair + "'");
            }
            overrides.setProperty(pair.substring(0, equals).trim(), pair.substring(equals + 1).trim());
        }

        private double number(String option) {
            String text = value(option);
            try {
                double parsed = Double.parseDouble(text);
                if (parsed < 0) {
                    throw new IllegalArgumentException(option + " must be >= 0, got " + text);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes a number, got '" + text + "'", e);
            }
        }

        private int positiveInt(String option) {
            double parsed = number(option);
            if (parsed < 1 || parsed != Math.rint(parsed) || parsed > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + " takes a whole number >= 1, got " + parsed);
            }
            return (int) parsed;
        }

        private static List<Phase> phases(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "load" -> List.of(Phase.LOAD);
                case "run" -> List.of(Phase.RUN);
                case "both" -> new ArrayList<>(List.of(Phase.LOAD, Phase.RUN));
                default -> throw new IllegalArgumentException("--phase takes load, run or both, got '" + text + "'");
            };
        }

        private static ContextMode contextMode(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "cache" -> ContextMode.CACHE;
                case "none" -> ContextMode.NONE;
                default -> throw new IllegalArgumentException("--context takes cache or none, got '" + text + "'");
            };
        }
    }
}
