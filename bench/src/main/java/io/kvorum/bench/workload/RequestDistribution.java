package io.kvorum.bench.workload;

import java.util.Locale;

/** YCSB's {@code requestdistribution}: how keys are chosen for reads, updates and read-modify-writes. */
public enum RequestDistribution {
    /** Scrambled Zipfian over the loaded records plus the expected inserts (YCSB's default for A-C, F). */
    ZIPFIAN,
    /** Every loaded record equally likely. */
    UNIFORM,
    /** The most recently inserted records are the most popular (workload D). */
    LATEST;

    /** Parses YCSB's lower-case name; names the supported values when it does not know one. */
    public static RequestDistribution parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "zipfian" -> ZIPFIAN;
            case "uniform" -> UNIFORM;
            case "latest" -> LATEST;
            default -> throw new IllegalArgumentException(
                    "requestdistribution=" + text + " is not supported; use zipfian, uniform or latest");
        };
    }
}
