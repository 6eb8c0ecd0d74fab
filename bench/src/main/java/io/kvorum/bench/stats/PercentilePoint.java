package io.kvorum.bench.stats;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** One point of a latency percentile distribution: {@code percentile}% of operations took at most {@code micros}. */
public record PercentilePoint(double percentile, long micros) {

    /** HdrHistogram's percentile iteration (5 ticks per half distance), as its plotter uses. */
    public static List<PercentilePoint> distribution(Histogram histogram) {
        List<PercentilePoint> points = new ArrayList<>();
        if (histogram.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue value : histogram.percentiles(5)) {
            double percentile = Math.min(value.getPercentileLevelIteratedTo(), 100.0);
            long micros = histogram.highestEquivalentValue(value.getValueIteratedTo());
            points.add(new PercentilePoint(percentile, Math.min(micros, histogram.getMaxValue())));
            if (percentile >= 100.0) {
                break;
            }
        }
        return points;
    }
}
