package io.kvorum.bench.run;

/**
 * How a phase is driven.
 *
 * @param threads            concurrent operation streams (YCSB's {@code threadcount}); each has at most one request in flight
 * @param targetOpsPerSecond total target rate; 0 runs flat out (latency then counts from the actual send)
 * @param durationSeconds    run phase length; 0 ends it after {@code operationcount} operations
 * @param warmupSeconds      how long the run phase runs before it starts counting (0: none). Its
 *                           operations are real (the context cache, the insert sequence and the
 *                           correctness check see them) but none enters the results
 * @param r                  {@code r} for reads, or null for the node's default
 * @param w                  {@code w} for writes, or null for the node's default
 * @param seed               the seed every worker's generators are split from
 * @param contextMode        what context updates send
 * @param check              whether to record writes and judge reads (and read every written key back at the end)
 * @param progressSeconds    seconds between progress lines (0: none)
 * @param eventLoops         client event loops the workers are spread over
 */
public record RunSettings(int threads, double targetOpsPerSecond, double durationSeconds, double warmupSeconds,
                          String r, String w, long seed, ContextMode contextMode, boolean check,
                          int progressSeconds, int eventLoops) {

    /** Validates; messages name the command-line option. */
    public RunSettings {
        if (threads < 1 || threads > 32_768) {
            throw new IllegalArgumentException("--threads must be 1..32768, got " + threads);
        }
        if (targetOpsPerSecond < 0) {
            throw new IllegalArgumentException("--target must be >= 0, got " + targetOpsPerSecond);
        }
        if (durationSeconds < 0) {
            throw new IllegalArgumentException("--duration must be >= 0, got " + durationSeconds);
        }
        if (warmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup must be >= 0, got " + warmupSeconds);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("--event-loops must be >= 1, got " + eventLoops);
        }
        if (progressSeconds < 0) {
            throw new IllegalArgumentException("--progress must be >= 0, got " + progressSeconds);
        }
    }
}
