package io.kvorum.bench.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ported generators: bit-exact hashing, Zipfian skew, uniform spread, latest skew, seeded replay. */
class GeneratorDistributionTest {

    private static final long SEED = 20240601L;
    private static final int DRAWS = 200_000;

    @Test
    void fnvMatchesYcsb() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 10_000; i++) {
            long value = i < 5_000 ? i : random.nextLong();
            assertEquals(site.ycsb.Utils.fnvhash64(value), Fnv.hash64(value), "value " + value);
        }
    }

    @Test
    void zetaIsTheGeneralizedHarmonicNumber() {
        assertEquals(1 + 1 / Math.pow(2, 0.99), ZipfianGenerator.zeta(2, 0.99), 1e-12);
        assertEquals(ScrambledZipfianGenerator.ZETAN, 26.46902820178302, 0.0, "YCSB's constant, unchanged");
    }

    @Test
    void zipfianFavoursLowRanksByPowerLaw() {
        int items = 1000;
        long[] counts = new long[items];
        ZipfianGenerator zipfian = new ZipfianGenerator(0, items - 1, new SplittableRandom(SEED));
        for (int i = 0; i < DRAWS; i++) {
            counts[(int) zipfian.nextValue()]++;
        }
        double expectedFirst = 1 / ZipfianGenerator.zeta(items, 0.99); // P(rank 1) = 1 / zeta(n)
        assertEquals(expectedFirst, counts[0] / (double) DRAWS, 0.01);
        double ratio = counts[0] / (double) counts[1];
        assertEquals(Math.pow(2, 0.99), ratio, 0.15, "rank 1 vs rank 2 follows 1/rank^0.99");
        long top10 = 0;
        for (int i = 0; i < 10; i++) {
            top10 += counts[i];
        }
        assertTrue(top10 > DRAWS * 0.35, "the top 1% of items draw over a third of requests: " + top10);
    }

    @Test
    void scrambledZipfianStaysInRangeAndIsSkewedButScattered() {
        long[] counts = new long[1000];
        ScrambledZipfianGenerator generator = new ScrambledZipfianGenerator(0, 999, new SplittableRandom(SEED));
        for (int i = 0; i < DRAWS; i++) {
            long value = generator.nextValue();
            assertTrue(value >= 0 && value < 1000, "in range: " + value);
            counts[(int) value]++;
        }
        long max = 0;
        int hottest = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > max) {
                max = counts[i];
                hottest = i;
            }
        }
        assertTrue(max > DRAWS / 1000 * 10, "the hottest key is far above uniform: " + max);
        assertEquals(Fnv.hash64(0) % 1000, hottest, "the hottest key is where rank 1 hashes to");
    }

    @Test
    void uniformSpreadsEvenly() {
        long[] counts = new long[100];
        UniformGenerator uniform = new UniformGenerator(0, 99, new SplittableRandom(SEED));
        for (int i = 0; i < DRAWS; i++) {
            counts[(int) uniform.nextValue()]++;
        }
        double chiSquare = 0;
        double expected = DRAWS / 100.0;
        for (long count : counts) {
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        assertTrue(chiSquare < 150, "chi-square with 99 degrees of freedom: " + chiSquare); // p ~ 0.001
    }

    @Test
    void latestFavoursTheNewestInsertsAndFollowsThem() {
        AcknowledgedCounter inserts = new AcknowledgedCounter(1000);
        SkewedLatestGenerator latest = new SkewedLatestGenerator(inserts, ZipfianGenerator.zeta(999, 0.99),
                new SplittableRandom(SEED));
        long newest = 0;
        for (int i = 0; i < 10_000; i++) {
            long value = latest.nextValue();
            assertTrue(value <= 999 && value >= 0, "never past the last acknowledged insert: " + value);
            newest += value >= 990 ? 1 : 0;
        }
        assertTrue(newest > 3_000, "the newest 1% draws a large share: " + newest);
        for (int i = 0; i < 50; i++) {
            inserts.acknowledge(inserts.next());
        }
        long afterInserts = 0;
        for (int i = 0; i < 10_000; i++) {
            afterInserts += latest.nextValue() >= 1040 ? 1 : 0;
        }
        assertTrue(afterInserts > 3_000, "popularity moves to the new records: " + afterInserts);
    }

    @Test
    void acknowledgedCounterWaitsForGaps() {
        AcknowledgedCounter counter = new AcknowledgedCounter(10);
        long a = counter.next();
        long b = counter.next();
        assertEquals(9, counter.lastValue());
        counter.acknowledge(b);
        assertEquals(9, counter.lastValue(), "11 is done but 10 is not");
        counter.acknowledge(a);
        assertEquals(11, counter.lastValue());
    }

    @Test
    void sameSeedSameSequence() {
        ScrambledZipfianGenerator first = new ScrambledZipfianGenerator(0, 9999, new SplittableRandom(SEED));
        ScrambledZipfianGenerator second = new ScrambledZipfianGenerator(0, 9999, new SplittableRandom(SEED));
        for (int i = 0; i < 1000; i++) {
            assertEquals(first.nextValue(), second.nextValue());
        }
    }
}
