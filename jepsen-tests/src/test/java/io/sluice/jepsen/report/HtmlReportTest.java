package io.sluice.jepsen.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.QueueChecker;
import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.ArrayDeque;
import java.util.Deque;
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
        return HtmlReport.render("queue <test>", h.ops(), result, Map.of("seed", 1));
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
