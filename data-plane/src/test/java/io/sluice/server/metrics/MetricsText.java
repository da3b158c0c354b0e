package io.sluice.server.metrics;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A scrape of Prometheus' text format, parsed into samples, for tests: enough of the format for
 * what the node serves (no escaped quotes or commas inside label values).
 */
final class MetricsText {
    /** One sample line: name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsText(List<Sample> samples) {
        this.samples = samples;
    }

    static MetricsText scrape(InetSocketAddress address) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://"
                + address.getHostString() + ":" + address.getPort() + "/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static MetricsText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            Map<String, String> labels = new LinkedHashMap<>();
            String name;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String pair : body.split(",")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        labels.put(pair.substring(0, eq), pair.substring(eq + 2, pair.length() - 1));
                    }
                }
            } else {
                name = line.substring(0, space);
            }
            samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new MetricsText(samples);
    }

    boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The value of the first sample of {@code name} whose labels include {@code labels} (pairs). */
    OptionalDouble value(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && matches(s.labels(), labels))
                .mapToDouble(Sample::value).findFirst();
    }

    double valueOrZero(String name, String... labels) {
        return value(name, labels).orElse(0);
    }

    private static boolean matches(Map<String, String> actual, String[] wanted) {
        for (int i = 0; i + 1 < wanted.length; i += 2) {
            if (!wanted[i + 1].equals(actual.get(wanted[i]))) {
                return false;
            }
        }
        return true;
    }

    List<Sample> samples() {
        return samples;
    }
}
