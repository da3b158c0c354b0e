package io.sluice.jepsen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.QueueChecker;
import io.sluice.jepsen.harness.NodeLogScan;
import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HtmlReportTest {
    private static final Set<String> VOID = Set.of("meta", "br"); // HTML void elements; SVG ones close with "/>"

    private static String render() {
        HistoryBuilder h = new HistoryBuilder();
        h.send(0, "0", 1, 0);
        Op start = h.invoke("fault-start", -1, null, "kill one [2]", null);
        h.complete(start, Op.Type.OK, "kill one [2]", null);
        h.send(0, "0", 2, 1);
        h.sendInfo(0, "0", 3);
        Op stop = h.invoke("fault-stop", -1, null, "kill one [2]", null);
        h.complete(stop, Op.Type.OK, "kill one [2]", null);
        h.assign(5, null, "0");
        h.poll(5, "0", 1, 2); // value 1 lost
        CheckResult result = new QueueChecker().check(h.ops());
        return HtmlReport.render("queue <test>", h.ops(), result, Map.of("seed", 1), List.of());
    }

    @Test
    void theReportShowsTheVerdictChartsFaultWindowsAndTheAnomalyWithItsOperations() {
        String html = render();
        assertTrue(html.contains("class=\"invalid\">Invalid"));
        assertTrue(html.contains("queue &lt;test&gt;"), "titles are escaped");
        assertTrue(html.contains("<title>send throughput</title>") && html.contains("<title>send latency</title>"));
        assertTrue(html.contains("<title>kill one [2]</title></rect>"), "the fault window is shaded");
        assertTrue(html.contains("<td>lost-write</td>"));
        assertTrue(html.contains("&quot;value&quot;:1,&quot;offset&quot;:0"), "the lost send is shown");
    }

    @Test
    void anUnknownRunSaysWhyAndTheReportShowsAvailabilityAndNodeErrors() {
        HistoryBuilder h = new HistoryBuilder();
        h.sendInfo(0, "0", 1);
        String html = HtmlReport.render("t", h.ops(), CheckResult.unknown(List.of("no write was acknowledged")),
                Map.of(), List.of(new NodeLogScan.Errors(2, 7, List.of("x ERROR <y>"))));
        assertTrue(html.contains("class=\"unknown\">Unknown"), "not valid, not invalid");
        assertTrue(html.contains("<li>no write was acknowledged</li>"));
        assertTrue(html.contains("<h3>Availability</h3>") && html.contains("<td>1</td><td>0 (0%)</td>"));
        assertTrue(html.contains("node 2: 7 line(s), the first 1") && html.contains("x ERROR &lt;y&gt;"));
    }

    @Test
    void theReportIsWellFormed() {
        Deque<String> open = new ArrayDeque<>();
        Matcher m = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>").matcher(render().replace("<!DOCTYPE html>", ""));
        while (m.find()) {
            String name = m.group(2).toLowerCase();
            if (m.group(1).isEmpty()) {
                if (m.group(3).isEmpty() && !VOID.contains(name)) {
                    open.push(name);
                }
            } else {
                assertEquals(open.isEmpty() ? "(nothing)" : open.peek(), name, "closing tag at " + m.start());
                open.pop();
            }
        }
        assertTrue(open.isEmpty(), "unclosed: " + open);
    }
}
