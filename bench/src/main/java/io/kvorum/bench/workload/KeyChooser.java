package io.kvorum.bench.workload;

import io.kvorum.bench.generator.AcknowledgedCounter;
import io.kvorum.bench.generator.NumberGenerator;
import io.kvorum.bench.generator.ScrambledZipfianGenerator;
import io.kvorum.bench.generator.SkewedLatestGenerator;
import io.kvorum.bench.generator.UniformGenerator;
import java.util.random.RandomGenerator;

/**
 * Chooses the record an operation touches, as YCSB's {@code CoreWorkload.nextKeynum}: draw from the
 * request distribution and redraw while the ordinal is past the last acknowledged insert. One per
 * worker; the insert sequence is shared.
 */
public final class KeyChooser {

    private final NumberGenerator generator;
    private final AcknowledgedCounter inserts;

    private KeyChooser(NumberGenerator generator, AcknowledgedCounter inserts) {
        this.generator = generator;
        this.inserts = inserts;
    }

    /**
     * A chooser for {@code spec}. {@code latestZetan} is {@code ZipfianGenerator.zeta(inserts.lastValue(),
     * 0.99)}, computed once per run, and used only by the latest distribution.
     */
    public static KeyChooser create(WorkloadSpec spec, AcknowledgedCounter inserts, double latestZetan,
                                    RandomGenerator random) {
        long first = spec.insertStart();
        NumberGenerator generator = switch (spec.requestDistribution()) {
            case UNIFORM -> new UniformGenerator(first, first + spec.insertCount() - 1, random);
            case ZIPFIAN -> new ScrambledZipfianGenerator(first, first + spec.insertCount()
                    + expectedNewKeys(spec), random);
            case LATEST -> new SkewedLatestGenerator(inserts, latestZetan, random);
        };
        return new KeyChooser(generator, inserts);
    }

    /** YCSB's allowance for keys inserted during the run: twice the expected inserts (its "fudge factor"). */
    static long expectedNewKeys(WorkloadSpec spec) {
        return (long) (spec.operationCount() * spec.insertProportion() * 2.0);
    }

    /** The ordinal of the next record to touch; never one whose insert is unacknowledged. */
    public long nextKeyNumber() {
        long ordinal;
        do {
            ordinal = generator.nextValue();
        } while (ordinal > inserts.lastValue());
        return ordinal;
    }
}
