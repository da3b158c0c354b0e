package io.sluice.ecosystem;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log cleaner's progress as one node's {@code /metrics} reports it for one topic: per partition,
 * the gauges {@code sluice_log_cleaner_dirty_ratio} and {@code sluice_log_cleaner_last_cleaned_offset}.
 */
record CleanerMetrics(Map<Integer, Double> dirtyRatio, Map<Integer, Long> lastCleanedOffset) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LINE = Pattern.compile(
            "^(sluice_log_cleaner_dirty_ratio|sluice_log_cleaner_last_cleaned_offset)\\{([^}]*)} (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern PARTITION = Pattern.compile("partition=\"(\\d+)\"");

    static CleanerMetrics scrape(InetSocketAddress metrics, String topic) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + metrics.getHostString() + ":"
                + metrics.getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build();
        String text = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Map<Integer, Double> ratio = new HashMap<>();
        Map<Integer, Long> cleaned = new HashMap<>();
        Matcher line = LINE.matcher(text);
        while (line.find()) {
            Matcher partition = PARTITION.matcher(line.group(2));
            if (!line.group(2).contains("topic=\"" + topic + "\"") || !partition.find()) {
                continue;
            }
            int p = Integer.parseInt(partition.group(1));
            double value = Double.parseDouble(line.group(3));
            if (line.group(1).endsWith("dirty_ratio")) {
                ratio.put(p, value);
            } else {
                cleaned.put(p, (long) value);
            }
        }
        return new CleanerMetrics(ratio, cleaned);
    }
}
