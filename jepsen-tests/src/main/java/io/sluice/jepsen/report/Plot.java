package io.sluice.jepsen.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws one time-series chart as inline SVG: shaded fault windows, then series of points or lines,
 * axes with a few ticks, and a legend. The y axis may be logarithmic (latencies span orders of
 * magnitude). Not thread-safe; build one chart per instance.
 */
final class Plot {
    static final int WIDTH = 900;
    static final int HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 140;
    private static final int TOP = 20;
    private static final int BOTTOM = 35;

    /** A shaded interval, in seconds. */
    record Window(double start, double end, String label) {
    }

    /** A named set of points, in seconds and y units, drawn as dots or a line. */
    record Series(String name, String color, List<double[]> points, boolean line) {
    }

    private final double maxX;
    private final double minY;
    private final double maxY;
    private final boolean logY;
    private final StringBuilder svg = new StringBuilder();
    private boolean shaded;

    Plot(String title, String yLabel, double maxX, double minY, double maxY, boolean logY) {
        this.maxX = Math.max(maxX, 1);
        this.logY = logY;
        this.minY = logY ? Math.max(minY, 0.1) : minY;
        this.maxY = Math.max(maxY, this.minY * (logY ? 10 : 1) + 1);
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>", WIDTH, HEIGHT, WIDTH, HEIGHT, HtmlReport.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"14\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                LEFT, HtmlReport.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">%s</text>",
                TOP + plotHeight() / 2 + 30, TOP + plotHeight() / 2 + 30, HtmlReport.escape(yLabel)));
    }

    private int plotWidth() {
        return WIDTH - LEFT - RIGHT;
    }

    private int plotHeight() {
        return HEIGHT - TOP - BOTTOM;
    }

    double x(double seconds) {
        return LEFT + plotWidth() * Math.min(seconds, maxX) / maxX;
    }

    double y(double value) {
        double v = Math.max(Math.min(value, maxY), minY);
        double share = logY ? Math.log(v / minY) / Math.log(maxY / minY) : (v - minY) / (maxY - minY);
        return TOP + plotHeight() * (1 - share);
    }

    Plot windows(List<Window> windows) {
        shaded |= !windows.isEmpty();
        for (Window w : windows) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#999\" "
                    + "fill-opacity=\"0.18\"><title>%s</title></rect>", x(w.start()), TOP,
                    Math.max(1, x(w.end()) - x(w.start())), plotHeight(), HtmlReport.escape(w.label())));
        }
        return this;
    }

    Plot series(Series s) {
        if (s.line()) {
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p[0]), y(p[1])));
            }
            svg.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(s.color())
                    .append("\" stroke-width=\"1.5\"/>");
        } else {
            for (double[] p : s.points()) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\" fill-opacity=\"0.6\"/>",
                        x(p[0]), y(p[1]), s.color()));
            }
        }
        return this;
    }

    /** Axes, ticks and the legend; returns the finished SVG. */
    String finish(List<Series> legend) {
        int bottom = TOP + plotHeight();
        svg.append(String.format(Locale.ROOT, "<path d=\"M%d,%d L%d,%d L%d,%d\" fill=\"none\" stroke=\"#333\"/>",
                LEFT, TOP, LEFT, bottom, LEFT + plotWidth(), bottom));
        for (int i = 0; i <= 10; i++) {
            double t = maxX * i / 10;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%.0f</text>",
                    x(t), bottom + 14, t));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">time (s)</text>",
                LEFT + plotWidth() / 2, bottom + 30));
        for (double v : yTicks()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>"
                    + "<path d=\"M%d,%.1f L%d,%.1f\" stroke=\"#ddd\"/>", LEFT - 4, y(v) + 3, label(v), LEFT, y(v),
                    LEFT + plotWidth(), y(v)));
        }
        int ly = TOP + 10;
        for (Series s : legend) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", WIDTH - RIGHT + 12, ly - 9, s.color(),
                    WIDTH - RIGHT + 26, ly, HtmlReport.escape(s.name())));
            ly += 16;
        }
        if (shaded) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#999\" "
                    + "fill-opacity=\"0.35\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">fault (hover: which)</text>",
                    WIDTH - RIGHT + 12, ly - 9, WIDTH - RIGHT + 26, ly));
        }
        return svg.append("</svg>").toString();
    }

    private double[] yTicks() {
        if (logY) {
            int from = (int) Math.floor(Math.log10(minY));
            int to = (int) Math.floor(Math.log10(maxY)); // a tick above the data would sit on the title
            double[] ticks = new double[to - from + 1];
            for (int i = 0; i < ticks.length; i++) {
                ticks[i] = Math.pow(10, from + i);
            }
            return ticks;
        }
        double[] ticks = new double[5];
        for (int i = 0; i < 5; i++) {
            ticks[i] = minY + (maxY - minY) * i / 4;
        }
        return ticks;
    }

    private static String label(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
