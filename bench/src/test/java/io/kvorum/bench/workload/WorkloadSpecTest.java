package io.kvorum.bench.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.workloads.CoreWorkload;

/** YCSB property parsing, the built-in workloads, key naming and the operation mix. */
class WorkloadSpecTest {

    @Test
    void builtInWorkloadsHaveYcsbProportions() {
        assertMix(StandardWorkloads.load("a", new Properties()), 0.5, 0.5, 0, 0, RequestDistribution.ZIPFIAN);
        assertMix(StandardWorkloads.load("B", new Properties()), 0.95, 0.05, 0, 0, RequestDistribution.ZIPFIAN);
        assertMix(StandardWorkloads.load("workloadc", new Properties()), 1, 0, 0, 0, RequestDistribution.ZIPFIAN);
        assertMix(StandardWorkloads.load("d", new Properties()), 0.95, 0, 0.05, 0, RequestDistribution.LATEST);
        assertMix(StandardWorkloads.load("f", new Properties()), 0.5, 0, 0, 0.5, RequestDistribution.ZIPFIAN);
        WorkloadSpec a = StandardWorkloads.load("a", new Properties());
        assertEquals(1000, a.recordCount());
        assertEquals(10, a.fieldCount());
        assertEquals(100, a.fieldLength());
        assertEquals(List.of(), a.ignoredProperties(), "every property of the YCSB file is understood");
    }

    @Test
    void workloadEIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StandardWorkloads.load("e", new Properties()));
        assertTrue(e.getMessage().contains("range scans"), e.getMessage());
        Properties scans = new Properties();
        scans.setProperty("scanproportion", "0.1");
        assertThrows(IllegalArgumentException.class, () -> StandardWorkloads.load("a", scans));
    }

    @Test
    void overridesAndFilesUseYcsbNames(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("mine.properties");
        Files.writeString(file, "recordcount=5000\noperationcount=77\nreadproportion=0.2\nupdateproportion=0.8\n"
                + "requestdistribution=uniform\nfieldcount=3\nfieldlength=20\ninsertorder=ordered\nzeropadding=8\n"
                + "maxscanlength=10\n");
        Properties overrides = new Properties();
        overrides.setProperty("recordcount", "6000");
        WorkloadSpec spec = StandardWorkloads.load(file.toString(), overrides);
        assertEquals("mine.properties", spec.name());
        assertEquals(6000, spec.recordCount());
        assertEquals(6000, spec.insertCount());
        assertEquals(77, spec.operationCount());
        assertMix(spec, 0.2, 0.8, 0, 0, RequestDistribution.UNIFORM);
        assertEquals(List.of("maxscanlength"), spec.ignoredProperties());
        assertEquals("user00000042", spec.keyName(42));
    }

    @Test
    void badValuesNameTheProperty() {
        Properties bad = new Properties();
        bad.setProperty("fieldcount", "zero");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandardWorkloads.load("a", bad))
                .getMessage().startsWith("fieldcount"));
        Properties distribution = new Properties();
        distribution.setProperty("requestdistribution", "hotspot");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> StandardWorkloads.load("a", distribution))
                .getMessage().contains("zipfian, uniform or latest"));
        assertThrows(IllegalArgumentException.class, () -> StandardWorkloads.load("/no/such/file", new Properties()));
    }

    @Test
    void keyNamesMatchYcsbCoreWorkload() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("recordcount", "1000");
        properties.setProperty("operationcount", "1000");
        site.ycsb.measurements.Measurements.setProperties(properties); // YCSB's workload needs them first
        NamingWorkload ycsb = new NamingWorkload();
        ycsb.init(properties);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            long ordinal = i < 1000 ? i : random.nextLong(0, Long.MAX_VALUE);
            assertEquals(ycsb.name(ordinal), KeyNames.keyName(ordinal, false, 1));
        }
        assertEquals("user" + site.ycsb.Utils.hash(0), KeyNames.keyName(0, false, 1));
        assertEquals("user7", KeyNames.keyName(7, true, 1));
    }

    @Test
    void operationMixFollowsProportions() {
        OperationChooser chooser = new OperationChooser(StandardWorkloads.load("f", new Properties()),
                new SplittableRandom(11));
        Map<Operation, Integer> counts = new EnumMap<>(Operation.class);
        for (int i = 0; i < 100_000; i++) {
            counts.merge(chooser.next(), 1, Integer::sum);
        }
        assertEquals(50_000, counts.get(Operation.READ), 1_000);
        assertEquals(50_000, counts.get(Operation.READ_MODIFY_WRITE), 1_000);
        assertFalse(counts.containsKey(Operation.UPDATE));
    }

    @Test
    void recordsAreJsonWithTheTagUpFront() {
        WorkloadSpec spec = StandardWorkloads.load("a", new Properties());
        String json = new RecordFactory(spec).json(RecordFactory.tag(3, 42), new SplittableRandom(1));
        io.vertx.core.json.JsonObject record = new io.vertx.core.json.JsonObject(json);
        assertEquals(10, record.size());
        assertEquals(100, record.getString("field9").length());
        assertEquals(RecordFactory.tag(3, 42), RecordFactory.tagOf(record));
        assertEquals("000300000000002a", RecordFactory.tag(3, 42));
    }

    private static void assertMix(WorkloadSpec spec, double read, double update, double insert, double rmw,
                                  RequestDistribution distribution) {
        assertEquals(read, spec.readProportion(), 1e-9);
        assertEquals(update, spec.updateProportion(), 1e-9);
        assertEquals(insert, spec.insertProportion(), 1e-9);
        assertEquals(rmw, spec.readModifyWriteProportion(), 1e-9);
        assertEquals(distribution, spec.requestDistribution());
    }

    /** Exposes YCSB's protected key naming. */
    private static final class NamingWorkload extends CoreWorkload {
        String name(long ordinal) {
            return buildKeyName(ordinal);
        }
    }
}
