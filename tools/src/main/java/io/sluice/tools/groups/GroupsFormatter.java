package io.sluice.tools.groups;

import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's consumer-groups tables: a header and rows, each column as wide as its widest cell (at least
 * its minimum), separated by one space; the last column is not padded. Pure; stateless.
 */
final class GroupsFormatter {

    /** One row of {@code --describe}: a partition with its offsets, lag and owner ("-" where unknown). */
    record OffsetRow(String group, String topic, int partition, String currentOffset, String logEndOffset, String lag,
                     String consumerId, String host, String clientId) {
    }

    static final List<String> OFFSET_HEADER = List.of("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET",
            "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
    static final List<String> MEMBERS_HEADER = List.of("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
    static final List<String> STATE_HEADER = List.of("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE",
            "#MEMBERS");
    static final List<String> RESET_HEADER = List.of("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");

    private GroupsFormatter() {
    }

    static List<String> offsets(List<OffsetRow> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (OffsetRow r : rows) {
            cells.add(List.of(r.group(), r.topic(), Integer.toString(r.partition()), r.currentOffset(),
                    r.logEndOffset(), r.lag(), r.consumerId(), r.host(), r.clientId()));
        }
        return table(OFFSET_HEADER, cells, new int[] {0, 0, 10, 15, 15, 15, 0, 0, 0});
    }

    /** A table with columns at least {@code minWidths} wide (0: as wide as the widest cell). */
    static List<String> table(List<String> header, List<List<String>> rows, int[] minWidths) {
        int[] width = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            width[c] = Math.max(minWidths.length > c ? minWidths[c] : 0, header.get(c).length());
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        List<String> out = new ArrayList<>();
        out.add(line(header, width));
        rows.forEach(r -> out.add(line(r, width)));
        return out;
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            if (c == cells.size() - 1) {
                b.append(cell);
            } else {
                b.append(cell).append(" ".repeat(width[c] - cell.length() + 1));
            }
        }
        return b.toString().stripTrailing();
    }
}
