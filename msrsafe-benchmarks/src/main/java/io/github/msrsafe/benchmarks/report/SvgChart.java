package io.github.msrsafe.benchmarks.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A log-log line chart as a standalone SVG document, written by hand so the report needs
 * no plotting library: one polyline per series, a marker and a vertical error bar per
 * point, decade grid lines and a legend.
 */
public final class SvgChart {

    /** One measured point; {@code error} is the half-width of its confidence interval (NaN if unknown). */
    public record Point(double x, double y, double error) {}

    /** A named line; {@code dashed} lines are told apart without colour. */
    public record Series(String name, String color, boolean dashed, List<Point> points) {}

    private static final int WIDTH = 760;
    private static final int HEIGHT = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 230;
    private static final int TOP = 46;
    private static final int BOTTOM = 56;

    private SvgChart() {}

    /**
     * Renders the series on logarithmic x and y axes.
     *
     * @throws IllegalArgumentException if no series has a point, or a point is not positive
     */
    public static String render(String title, String xLabel, String yLabel, List<Series> series) {
        double minX = Double.MAX_VALUE, maxX = 0, minY = Double.MAX_VALUE, maxY = 0;
        for (Series line : series) {
            for (Point point : line.points()) {
                if (!(point.x() > 0) || !(point.y() > 0)) {
                    throw new IllegalArgumentException("a log-log chart needs positive values, not " + point
                            + " in " + line.name());
                }
                minX = Math.min(minX, point.x());
                maxX = Math.max(maxX, point.x());
                minY = Math.min(minY, low(point));
                maxY = Math.max(maxY, high(point));
            }
        }
        if (maxX == 0) {
            throw new IllegalArgumentException("nothing to plot");
        }
        int firstXDecade = (int) Math.floor(Math.log10(minX));
        int lastXDecade = Math.max(firstXDecade + 1, (int) Math.ceil(Math.log10(maxX)));
        int firstYDecade = (int) Math.floor(Math.log10(minY));
        int lastYDecade = Math.max(firstYDecade + 1, (int) Math.ceil(Math.log10(maxY)));
        Axes axes = new Axes(firstXDecade, lastXDecade, firstYDecade, lastYDecade);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(LEFT + plotWidth() / 2.0, 24, "middle", 15, title));
        // Grid and tick labels, one line per decade.
        for (int decade = firstXDecade; decade <= lastXDecade; decade++) {
            double x = axes.x(Math.pow(10, decade));
            svg.append(line(x, TOP, x, TOP + plotHeight(), "#dddddd", false));
            svg.append(text(x, TOP + plotHeight() + 18, "middle", 12, decadeLabel(decade)));
        }
        for (int decade = firstYDecade; decade <= lastYDecade; decade++) {
            double y = axes.y(Math.pow(10, decade));
            svg.append(line(LEFT, y, LEFT + plotWidth(), y, "#dddddd", false));
            svg.append(text(LEFT - 8, y + 4, "end", 12, decadeLabel(decade)));
        }
        svg.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333333\"/>\n",
                LEFT, TOP, plotWidth(), plotHeight()));
        svg.append(text(LEFT + plotWidth() / 2.0, HEIGHT - 14, "middle", 13, xLabel));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"13\" transform=\"rotate(-90 18 %.1f)\">%s</text>\n",
                TOP + plotHeight() / 2.0, TOP + plotHeight() / 2.0, escape(yLabel)));

        int legendY = TOP + 8;
        for (Series line : series) {
            if (line.points().isEmpty()) {
                continue;
            }
            List<Point> points = line.points().stream()
                    .sorted(Comparator.comparingDouble(Point::x)).toList();
            StringBuilder path = new StringBuilder();
            for (Point point : points) {
                path.append(String.format(Locale.ROOT, "%.1f,%.1f ", axes.x(point.x()), axes.y(point.y())));
            }
            svg.append(String.format(Locale.ROOT,
                    "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    path.toString().strip(), line.color(), line.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            for (Point point : points) {
                double x = axes.x(point.x());
                if (!Double.isNaN(point.error()) && point.error() > 0) {
                    svg.append(line(x, axes.y(high(point)), x, axes.y(low(point)), line.color(), false));
                }
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                        x, axes.y(point.y()), line.color()));
            }
            int legendX = LEFT + plotWidth() + 16;
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    legendX, legendY, legendX + 28, legendY, line.color(),
                    line.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
            svg.append(text(legendX + 34, legendY + 4, "start", 12, line.name()));
            legendY += 20;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private static int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    private static double low(Point point) {
        if (Double.isNaN(point.error()) || point.error() <= 0 || point.y() - point.error() <= 0) {
            // A log axis cannot show an interval that reaches zero: cut it at a tenth of the value.
            return Double.isNaN(point.error()) || point.error() <= 0 ? point.y() : point.y() / 10;
        }
        return point.y() - point.error();
    }

    private static double high(Point point) {
        return Double.isNaN(point.error()) || point.error() <= 0 ? point.y() : point.y() + point.error();
    }

    private record Axes(int firstXDecade, int lastXDecade, int firstYDecade, int lastYDecade) {
        double x(double value) {
            return LEFT + plotWidth() * (Math.log10(value) - firstXDecade) / (lastXDecade - firstXDecade);
        }

        double y(double value) {
            return TOP + plotHeight() * (1 - (Math.log10(value) - firstYDecade) / (lastYDecade - firstYDecade));
        }
    }

    private static String decadeLabel(int decade) {
        if (decade >= 0 && decade <= 6) {
            return String.format(Locale.ROOT, "%,d", (long) Math.pow(10, decade));
        }
        if (decade < 0 && decade >= -3) {
            return String.format(Locale.ROOT, "%." + (-decade) + "f", Math.pow(10, decade));
        }
        return "1e" + decade;
    }

    private static String line(double x1, double y1, double x2, double y2, String color, boolean dashed) {
        return String.format(Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>\n",
                x1, y1, x2, y2, color, dashed ? " stroke-dasharray=\"4 3\"" : "");
    }

    private static String text(double x, double y, String anchor, int size, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n",
                x, y, anchor, size, escape(content));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
