package io.kvorum.gossip.fd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

class PhiMathTest {
    /** Standard normal CDF values from tables (to 6 digits). */
    private static final double[][] NORMAL_CDF = {
            {-3.0, 0.001350}, {-2.0, 0.022750}, {-1.0, 0.158655}, {-0.5, 0.308538}, {0.0, 0.5},
            {0.5, 0.691462}, {1.0, 0.841345}, {1.5, 0.933193}, {2.0, 0.977250}, {3.0, 0.998650}};

    @Test
    void logisticCdfIsWithinItsPublishedErrorOfTheNormalCdf() {
        for (double[] point : NORMAL_CDF) {
            assertEquals(point[1], PhiMath.cdf(point[0]), 1.5e-4, "cdf(" + point[0] + ")");
        }
    }

    @Test
    void phiMatchesPekkosRealisticValues() {
        // Pekko's PhiAccrualFailureDetectorSpec "return realistic phi values": mean 1000 ms, deviation 100 ms.
        double[][] expected = {{0, 0.0}, {500, 0.1}, {1000, 0.3}, {1200, 1.6}, {1400, 4.7}, {1600, 10.8}, {1700, 15.3}};
        for (double[] point : expected) {
            assertEquals(point[1], PhiMath.phi(point[0], 1000, 100), 0.1, "phi(" + point[0] + ")");
        }
    }

    @Test
    void phiIsMinusLog10OfTheUpperTail() {
        assertEquals(-Math.log10(0.5), PhiMath.phi(1000, 1000, 100), 1e-9);
        // One deviation late: P(later) = 1 - cdf(1) ~ 0.1587, so phi ~ 0.80.
        assertEquals(-Math.log10(1 - 0.841345), PhiMath.phi(1100, 1000, 100), 0.002);
        // Two deviations late: ~1.64.
        assertEquals(-Math.log10(1 - 0.977250), PhiMath.phi(1200, 1000, 100), 0.01);
    }

    @Test
    void phiIsMonotoneAndNeverNegativeOrNaNOverAWideRange() {
        long seed = 20240601L;
        RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        for (int i = 0; i < 1000; i++) {
            double mean = 100 + random.nextDouble() * 5000;
            double deviation = 1 + random.nextDouble() * 2000;
            double previous = -1;
            for (double t = 0; t <= mean + 30 * deviation; t += deviation / 4) {
                double phi = PhiMath.phi(t, mean, deviation);
                assertTrue(phi >= 0 && !Double.isNaN(phi), "seed " + seed + ": phi(" + t + ") = " + phi);
                assertTrue(phi >= previous - 1e-12, "seed " + seed + ": phi decreased at " + t);
                previous = phi;
            }
        }
    }

    @Test
    void phiOfEightIsAboutFiveDeviationsLate() {
        // The threshold 8 means a 1e-8 upper tail. The exact normal quantile is 5.612; the logistic
        // approximation's tail is thinner and gets there at 5.23 (documented on PhiMath).
        double y = 0;
        while (PhiMath.phi(1000 + y * 100, 1000, 100) < 8) {
            y += 0.001;
        }
        assertEquals(5.23, y, 0.02);
        assertEquals(Double.POSITIVE_INFINITY, PhiMath.phi(1000 + 100 * 100, 1000, 100));
    }
}
