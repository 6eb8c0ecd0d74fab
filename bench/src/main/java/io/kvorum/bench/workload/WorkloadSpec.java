package io.kvorum.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YCSB core workload, parsed from YCSB's own property names (a workload file plus {@code -p}
 * overrides). Properties that only matter to YCSB's own client, or that Kvorum cannot honour, are kept
 * in {@code ignoredProperties} so a report can say so.
 *
 * @param name                      what the workload is called in reports ("a", a file name)
 * @param recordCount               {@code recordcount}: records the load phase inserts
 * @param operationCount            {@code operationcount}: operations in the run phase (unless a duration ends it)
 * @param insertStart               {@code insertstart}: first ordinal this client loads
 * @param insertCount               {@code insertcount}: ordinals this client loads (default recordcount - insertstart)
 * @param readProportion            {@code readproportion}
 * @param updateProportion          {@code updateproportion}
 * @param insertProportion          {@code insertproportion}
 * @param readModifyWriteProportion {@code readmodifywriteproportion}
 * @param requestDistribution       {@code requestdistribution}
 * @param fieldCount                {@code fieldcount}: fields per record
 * @param fieldLength               {@code fieldlength}: characters per field
 * @param orderedInserts            {@code insertorder=ordered} (default hashed)
 * @param zeroPadding               {@code zeropadding}: digits a key's number is padded to
 * @param ignoredProperties         keys that were given but have no effect here, sorted
 */
public record WorkloadSpec(String name, long recordCount, long operationCount, long insertStart, long insertCount,
                           double readProportion, double updateProportion, double insertProportion,
                           double readModifyWriteProportion, RequestDistribution requestDistribution,
                           int fieldCount, int fieldLength, boolean orderedInserts, int zeroPadding,
                           List<String> ignoredProperties) {

    /** Keys this harness reads; everything else given is reported as ignored. */
    private static final Set<String> KNOWN = Set.of("recordcount", "operationcount", "insertstart",
            "insertcount", "readproportion", "updateproportion", "insertproportion",
            "readmodifywriteproportion", "scanproportion", "requestdistribution", "fieldcount",
            "fieldlength", "fieldlengthdistribution", "insertorder", "zeropadding", "workload", "readallfields");

    /** Validates; the messages name the YCSB property. */
    public WorkloadSpec {
        positive("recordcount", recordCount);
        nonNegative("operationcount", operationCount);
        nonNegative("insertstart", insertStart);
        positive("insertcount", insertCount);
        positive("fieldcount", fieldCount);
        positive("fieldlength", fieldLength);
        positive("zeropadding", zeroPadding);
        nonNegative("readproportion", readProportion);
        nonNegative("updateproportion", updateProportion);
        nonNegative("insertproportion", insertProportion);
        nonNegative("readmodifywriteproportion", readModifyWriteProportion);
        if (readProportion + updateProportion + insertProportion + readModifyWriteProportion <= 0) {
            throw new IllegalArgumentException("the operation proportions add up to 0: set readproportion, "
                    + "updateproportion, insertproportion or readmodifywriteproportion");
        }
        ignoredProperties = List.copyOf(ignoredProperties);
    }

    /** Parses YCSB core properties; unknown keys become {@link #ignoredProperties()}. */
    public static WorkloadSpec parse(String name, Properties properties) {
        if (doubleOf(properties, "scanproportion", 0) > 0) {
            throw new IllegalArgumentException("scanproportion=" + properties.getProperty("scanproportion")
                    + ": scans (YCSB workload E) need range scans over ordered keys, which a Dynamo-style "
                    + "store does not offer: keys are hashed onto the ring, so there is no key order to scan");
        }
        String lengthDistribution = properties.getProperty("fieldlengthdistribution", "constant").trim();
        if (!lengthDistribution.equalsIgnoreCase("constant")) {
            throw new IllegalArgumentException("fieldlengthdistribution=" + lengthDistribution
                    + " is not supported; only constant");
        }
        long recordCount = longOf(properties, "recordcount", 1000);
        long insertStart = longOf(properties, "insertstart", 0);
        return new WorkloadSpec(name, recordCount, longOf(properties, "operationcount", 1000), insertStart,
                longOf(properties, "insertcount", recordCount - insertStart),
                doubleOf(properties, "readproportion", 0.95), doubleOf(properties, "updateproportion", 0.05),
                doubleOf(properties, "insertproportion", 0), doubleOf(properties, "readmodifywriteproportion", 0),
                RequestDistribution.parse(properties.getProperty("requestdistribution", "uniform")),
                (int) longOf(properties, "fieldcount", 10), (int) longOf(properties, "fieldlength", 100),
                insertOrder(properties), (int) longOf(properties, "zeropadding", 1), ignored(properties));
    }

    /** Approximate JSON size of one record, for reports. */
    public int recordBytes() {
        return 2 + fieldCount * (fieldLength + 12);
    }

    /** The key of record {@code ordinal} under this workload's naming. */
    public String keyName(long ordinal) {
        return KeyNames.keyName(ordinal, orderedInserts, zeroPadding);
    }

    private static boolean insertOrder(Properties properties) {
        String order = properties.getProperty("insertorder", "hashed").trim().toLowerCase(Locale.ROOT);
        return switch (order) {
            case "hashed" -> false;
            case "ordered" -> true;
            default -> throw new IllegalArgumentException("insertorder=" + order + ": use hashed or ordered");
        };
    }

    private static List<String> ignored(Properties properties) {
        Set<String> ignored = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            if (!KNOWN.contains(key)) {
                ignored.add(key);
            }
        }
        return new ArrayList<>(ignored);
    }

    private static long longOf(Properties properties, String key, long fallback) {
        String text = properties.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " is not a whole number", e);
        }
    }

    private static double doubleOf(Properties properties, String key, double fallback) {
        String text = properties.getProperty(key);
        if (text == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + text + " is not a number", e);
        }
    }

    private static void positive(String key, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }

    private static void nonNegative(String key, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(key + " must be >= 0, got " + value);
        }
    }
}
