package io.kvorum.gossip.fd;

/**
 * The pure arithmetic of phi: the suspicion level for a silence of {@code timeDiffMillis} when
 * inter-arrival times are normally distributed with the given mean and standard deviation.
 *
 * <p>phi = -log10(1 - F(timeDiff)), where F is the normal CDF [1]. phi = 1 means a 10% chance that
 * the next heartbeat is merely late, phi = 8 a chance of 10^-8.
 *
 * <p>F is Pekko's logistic approximation of the standard normal CDF [2],
 * {@code F(y) ~ 1 / (1 + exp(-y (1.5976 + 0.070566 y^2)))}, whose absolute error is below 1.4e-4 over
 * the whole line. It has a closed form, so phi needs neither {@code erf} nor a table, and it computes
 * the upper tail {@code 1 - F} directly as {@code e / (1 + e)} instead of subtracting two numbers near
 * 1. In the far tail it decays faster than the normal one: phi reaches 8 at y = 5.2 rather than 5.6
 * (a slightly more eager detector, which the defaults account for), and past y of about 20 {@code e}
 * underflows and phi is +Infinity, which still compares correctly with any threshold.
 *
 * <p>[1] N. Hayashibara, X. Défago, R. Yared, T. Katayama, "The phi accrual failure detector", SRDS 2004.
 * [2] S. R. Bowling et al., "A logistic approximation to the cumulative normal distribution",
 * JIEM 2009; used by Akka/Pekko {@code PhiAccrualFailureDetector.phi}.
 */
public final class PhiMath {
    private PhiMath() {}

    /** The approximated standard normal CDF at {@code y}: P(Y &lt;= y) for Y ~ N(0, 1). */
    public static double cdf(double y) {
        return 1.0 / (1.0 + Math.exp(-y * (1.5976 + 0.070566 * y * y)));
    }

    /**
     * phi for a silence of {@code timeDiffMillis} under N(meanMillis, stdDeviationMillis^2); never
     * negative or NaN, non-decreasing in the silence, +Infinity far in the tail.
     */
    public static double phi(double timeDiffMillis, double meanMillis, double stdDeviationMillis) {
        double y = (timeDiffMillis - meanMillis) / stdDeviationMillis;
        double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
        if (timeDiffMillis > meanMillis) {
            // Upper tail directly: 1 - 1/(1+e) == e/(1+e), no cancellation.
            return -Math.log10(e / (1.0 + e));
        }
        return -Math.log10(1.0 - 1.0 / (1.0 + e));
    }
}
