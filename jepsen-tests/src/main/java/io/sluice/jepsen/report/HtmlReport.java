package io.sluice.jepsen.report;

import io.sluice.jepsen.checker.Anomaly;
import io.sluice.jepsen.checker.Availability;
import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.harness.NodeLogScan;
import io.sluice.jepsen.history.Json;
import io.sluice.jepsen.history.Op;
import io.sluice.jepsen.history.Pairs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a run's {@code index.html}: the verdict, the test's settings and counts, for each client
 * operation throughput per second and latency over time (ok green, info orange, fail red; fault
 * windows shaded), and the anomalies with the operations behind them. Self-contained: inline SVG
 * and CSS, no scripts. Stateless.
 */
public final class HtmlReport {
    private static final Map<Op.Type, String> COLORS = Map.of(Op.Type.OK, "#2a9d3a", Op.Type.INFO, "#f0a020",
            Op.Type.FAIL, "#d03030");
    private static final int MAX_POINTS = 6000;
    private static final int MAX_ANOMALY_ROWS = 300;
    private static final int MAX_OPS_PER_ANOMALY = 4;

    private HtmlReport() {
    }

    public static void write(Path file, String title, List<Op> ops, CheckResult result, Map<String, Object> settings,
                             List<NodeLogScan.Errors> nodeErrors) throws IOException {
        Files.writeString(file, render(title, ops, result, settings, nodeErrors), StandardCharsets.UTF_8);
    }

    static String render(String title, List<Op> ops, CheckResult result, Map<String, Object> settings,
                         List<NodeLogScan.Errors> nodeErrors) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title><style>body{font-family:sans-serif;margin:20px;max-width:1100px}"
                        + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;"
                        + "text-align:left;vertical-align:top}code{font-size:11px}.valid{color:#2a9d3a}"
                        + ".invalid{color:#d03030}.unknown{color:#f0a020}</style></head><body>\n");
        String verdict = result.verdict().name().toLowerCase();
        html.append("<h1>").append(escape(title)).append("</h1>\n<h2 class=\"").append(verdict).append("\">")
                .append(Character.toUpperCase(verdict.charAt(0))).append(verdict.substring(1)).append("</h2>\n");
        if (!result.unknownReasons().isEmpty()) {
            html.append("<p>This run cannot have proved anything:</p><ul>");
            result.unknownReasons().forEach(r -> html.append("<li>").append(escape(r)).append("</li>"));
            html.append("</ul>\n");
        }
        html.append(keyValues("Settings", settings)).append(keyValues("Counts", result.stats()));
        Map<String, Object> counts = new LinkedHashMap<>(result.counts());
        html.append(keyValues("Anomalies", counts.isEmpty() ? Map.of("none", "") : counts));
        double end = ops.isEmpty() ? 1 : ops.get(ops.size() - 1).time() / 1e9;
        List<Plot.Window> windows = windows(ops);
        Pairs pairs = new Pairs(ops);
        for (String f : clientFunctions(ops)) {
            html.append("<h3>").append(escape(f)).append("</h3>\n");
            html.append(throughput(f, ops, windows, end)).append("<br>\n").append(latency(f, ops, pairs, windows, end))
                    .append('\n');
        }
        html.append(anomalies(ops, result)).append(availability(ops)).append(nodeErrors(nodeErrors));
        return html.append("</body></html>\n").toString();
    }

    /** Operations of clients (not the nemesis or observers), apart from bookkeeping ones. */
    private static List<String> clientFunctions(List<Op> ops) {
        return ops.stream().filter(o -> o.process() >= 0 && !o.f().equals("assign") && !o.f().equals("owns")).map(Op::f)
                .distinct().sorted().toList();
    }

    static List<Plot.Window> windows(List<Op> ops) {
        List<Plot.Window> windows = new ArrayList<>();
        Op open = null;
        for (Op op : ops) {
            if (op.f().equals("fault-start") && op.isOk() && open == null) {
                open = op; // composed faults: the window runs from the first start to the common stop
            } else if (op.f().equals("fault-stop") && op.isOk() && open != null) {
                windows.add(new Plot.Window(open.time() / 1e9, op.time() / 1e9, String.valueOf(op.value())));
                open = null;
            }
        }
        if (open != null && !ops.isEmpty()) {
            windows.add(new Plot.Window(open.time() / 1e9, ops.get(ops.size() - 1).time() / 1e9, String.valueOf(open.value())));
        }
        return windows;
    }

    private static String throughput(String f, List<Op> ops, List<Plot.Window> windows, double end) {
        Map<Op.Type, TreeMap<Integer, Integer>> perSecond = new LinkedHashMap<>();
        for (Op op : ops) {
            if (op.f().equals(f) && op.process() >= 0 && !op.isInvoke()) {
                perSecond.computeIfAbsent(op.type(), t -> new TreeMap<>()).merge((int) (op.time() / 1_000_000_000L), 1, Integer::sum);
            }
        }
        int max = perSecond.values().stream().flatMap(m -> m.values().stream()).max(Integer::compare).orElse(1);
        Plot plot = new Plot(f + " throughput", "ops/s", end, 0, max, false).windows(windows);
        List<Plot.Series> legend = new ArrayList<>();
        perSecond.forEach((type, bins) -> {
            List<double[]> points = new ArrayList<>();
            for (int s = 0; s <= (int) end; s++) {
                points.add(new double[] {s + 0.5, bins.getOrDefault(s, 0)});
            }
            Plot.Series series = new Plot.Series(type.json(), COLORS.get(type), points, true);
            plot.series(series);
            legend.add(series);
        });
        return plot.finish(legend);
    }

    private static String latency(String f, List<Op> ops, Pairs pairs, List<Plot.Window> windows, double end) {
        Map<Op.Type, List<double[]>> points = new LinkedHashMap<>();
        long completions = ops.stream().filter(o -> o.f().equals(f) && o.process() >= 0 && !o.isInvoke()).count();
        long step = Math.max(1, completions / MAX_POINTS); // keep every step-th point so the page stays small
        long seen = 0;
        double maxMs = 1;
        for (Op op : ops) {
            if (!op.f().equals(f) || op.process() < 0 || op.isInvoke() || seen++ % step != 0) {
                continue;
            }
            Op invoke = pairs.invocation(op);
            if (invoke != null) {
                double ms = (op.time() - invoke.time()) / 1e6;
                maxMs = Math.max(maxMs, ms);
                points.computeIfAbsent(op.type(), t -> new ArrayList<>()).add(new double[] {invoke.time() / 1e9, ms});
            }
        }
        Plot plot = new Plot(f + " latency" + (step > 1 ? " (1 in " + step + ")" : ""), "ms", end, 0.1, maxMs, true)
                .windows(windows);
        List<Plot.Series> legend = new ArrayList<>();
        points.forEach((type, list) -> {
            Plot.Series series = new Plot.Series(type.json(), COLORS.get(type), list, false);
            plot.series(series);
            legend.add(series);
        });
        return plot.finish(legend);
    }

    private static String anomalies(List<Op> ops, CheckResult result) {
        if (result.anomalies().isEmpty()) {
            return "<h3>Anomalies</h3><p>None.</p>\n";
        }
        Map<Long, Op> byIndex = new HashMap<>();
        ops.forEach(o -> byIndex.put(o.index(), o));
        StringBuilder t = new StringBuilder("<h3>Anomalies</h3>\n<table><tr><th>type</th><th>key</th><th>what</th>"
                + "<th>operations</th></tr>\n");
        List<Anomaly> shown = result.anomalies().subList(0, Math.min(MAX_ANOMALY_ROWS, result.anomalies().size()));
        for (Anomaly a : shown) {
            t.append("<tr><td>").append(escape(a.type())).append("</td><td>").append(escape(a.key())).append("</td><td>")
                    .append(escape(a.detail())).append("</td><td>");
            for (Long index : a.ops().subList(0, Math.min(MAX_OPS_PER_ANOMALY, a.ops().size()))) {
                Op op = byIndex.get(index);
                String text = op == null ? "#" + index : Json.write(op.toJson());
                t.append("<code>").append(escape(text.length() > 300 ? text.substring(0, 300) + "..." : text))
                        .append("</code><br>");
            }
            t.append("</td></tr>\n");
        }
        t.append("</table>\n");
        if (shown.size() < result.anomalies().size()) {
            t.append("<p>").append(result.anomalies().size() - shown.size()).append(" more in results.json.</p>\n");
        }
        return t.toString();
    }

    private static String availability(List<Op> ops) {
        List<Availability.Period> periods = Availability.periods(ops);
        if (periods.isEmpty()) {
            return "";
        }
        StringBuilder t = new StringBuilder("<h3>Availability</h3>\n<table><tr><th>period</th><th>from s</th><th>to s</th>"
                + "<th>writes completed</th><th>acknowledged</th><th>longest gap without an acknowledged write</th></tr>\n");
        for (Availability.Period p : periods) {
            t.append(String.format("<tr><td>%s</td><td>%.1f</td><td>%.1f</td><td>%d</td><td>%d (%.0f%%)</td><td>%.1f s</td></tr>%n",
                    escape(p.what()), p.startMs() / 1e3, p.endMs() / 1e3, p.completed(), p.acknowledged(),
                    100 * p.acknowledgedShare(), p.longestGapMs() / 1e3));
        }
        return t.append("</table>\n").toString();
    }

    private static String nodeErrors(List<NodeLogScan.Errors> nodeErrors) {
        StringBuilder t = new StringBuilder("<h3>Errors in the node logs</h3>\n");
        if (nodeErrors.isEmpty()) {
            return t.append("<p>None.</p>\n").toString();
        }
        for (NodeLogScan.Errors e : nodeErrors) {
            t.append("<p>node ").append(e.node()).append(": ").append(e.count()).append(" line(s)")
                    .append(e.count() > e.first().size() ? ", the first " + e.first().size() : "").append("</p>\n");
            e.first().forEach(line -> t.append("<code>").append(escape(line)).append("</code><br>\n"));
        }
        return t.toString();
    }

    private static String keyValues(String caption, Map<String, ?> values) {
        StringBuilder t = new StringBuilder("<table><caption>").append(escape(caption)).append("</caption>");
        values.forEach((k, v) -> t.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(String.valueOf(v)))
                .append("</td></tr>"));
        return t.append("</table><br>\n").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
