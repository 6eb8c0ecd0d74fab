package io.kvorum.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * A small inline-SVG line chart (no script, no external resource): axes with ticks, one polyline per
 * series and a legend. The y axis is linear from zero or logarithmic.
 */
final class SvgChart {

    /** One line: its points as {x, y} pairs in chart units. */
    record Series(String name, String color, boolean dashed, List<double[]> points) {
    }

    /** A labelled tick on the x axis. */
    record Tick(double x, String label) {
    }

    private static final int WIDTH = 880;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 200;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;

    private SvgChart() {
    }

    /** The chart as an {@code <svg>} element. */
    static String render(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks,
                         boolean logY) {
        double xMax = xTicks.stream().mapToDouble(Tick::x).max().orElse(1);
        double yMaxData = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1]).max().orElse(1);
        double yMinData = series.stream().flatMap(s -> s.points().stream()).mapToDouble(p -> p[1])
                .filter(v -> v > 0).min().orElse(1);
        Scale y = logY ? Scale.log(yMinData, yMaxData) : Scale.linear(yMaxData);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"12\"><text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                WIDTH, HEIGHT, LEFT, HtmlReport.escape(title)));
        axes(svg, xLabel, yLabel, xTicks, xMax, y);
        int index = 0;
        for (Series line : series) {
            polyline(svg, line, xMax, y);
            legend(svg, line, index++);
        }
        return svg.append("</svg>").toString();
    }

    private record Scale(boolean log, double min, double max) {
        static Scale linear(double max) {
            return new Scale(false, 0, max <= 0 ? 1 : max * 1.1);
        }

        static Scale log(double min, double max) {
            double low = Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3))));
            double high = Math.pow(10, Math.ceil(Math.log10(Math.max(max, low * 10))));
            return new Scale(true, low, high);
        }

        double fraction(double value) {
            if (log) {
                return (Math.log10(Math.max(value, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
            }
            return value / max;
        }
    }

    private static double px(double x, double xMax) {
        return LEFT + (WIDTH - LEFT - RIGHT) * (x / xMax);
    }

    private static double py(double y, Scale scale) {
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * scale.fraction(y);
    }

    private static void axes(StringBuilder svg, String xLabel, String yLabel, List<Tick> xTicks, double xMax, Scale y) {
        int bottom = HEIGHT - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                LEFT, bottom, WIDTH - RIGHT, bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                LEFT, TOP, LEFT, bottom));
        for (Tick tick : xTicks) {
            double x = px(tick.x(), xMax);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, TOP, x, bottom, x, bottom + 16,
                    HtmlReport.escape(tick.label())));
        }
        for (double value : yTicks(y)) {
            double yy = py(value, y);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT, yy, WIDTH - RIGHT, yy,
                    LEFT - 6, yy + 4, number(value)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 12, HtmlReport.escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" "
                + "text-anchor=\"middle\">%s</text>", (TOP + bottom) / 2, (TOP + bottom) / 2, HtmlReport.escape(yLabel)));
    }

    private static double[] yTicks(Scale y) {
        if (y.log()) {
            int decades = (int) Math.round(Math.log10(y.max() / y.min()));
            double[] ticks = new double[decades + 1];
            for (int i = 0; i <= decades; i++) {
                ticks[i] = y.min() * Math.pow(10, i);
            }
            return ticks;
        }
        double[] ticks = new double[6];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = y.max() * i / 5;
        }
        return ticks;
    }

    private static String number(double value) {
        if (value >= 100 || value == 0) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    private static void polyline(StringBuilder svg, Series line, double xMax, Scale y) {
        StringBuilder points = new StringBuilder();
        for (double[] point : line.points()) {
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px(Math.min(point[0], xMax), xMax), py(point[1], y)));
        }
        svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>",
                line.color(), line.dashed() ? " stroke-dasharray=\"6 4\"" : "", points.toString().trim()));
    }

    private static void legend(StringBuilder svg, Series line, int index) {
        int x = WIDTH - RIGHT + 15;
        int y = TOP + 10 + index * 18;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\">%s</text>", x, y, x + 24, y, line.color(),
                line.dashed() ? " stroke-dasharray=\"6 4\"" : "", x + 30, y + 4, HtmlReport.escape(line.name())));
    }
}
