package dev.shardgate.it.differential;

import java.util.EnumMap;
import java.util.Map;

/** Counts of verdicts per feature, and the table the run prints. */
final class Tally {
    private final Map<Feature, long[]> counts = new EnumMap<>(Feature.class);

    void add(Feature feature, Verdict verdict) {
        long[] row = counts.computeIfAbsent(feature, f -> new long[3]);
        switch (verdict) {
            case Verdict.Match match -> row[0]++;
            case Verdict.Refused refused -> row[1]++;
            case Verdict.Wrong wrong -> row[2]++;
        }
    }

    long wrong() {
        return counts.values().stream().mapToLong(row -> row[2]).sum();
    }

    long wrong(Feature feature) {
        return counts.getOrDefault(feature, new long[3])[2];
    }

    long refused(Feature feature) {
        return counts.getOrDefault(feature, new long[3])[1];
    }

    String table() {
        StringBuilder text = new StringBuilder(String.format("%-20s %8s %8s %8s%n", "feature", "match", "refused", "wrong"));
        long[] total = new long[3];
        for (Map.Entry<Feature, long[]> entry : counts.entrySet()) {
            long[] row = entry.getValue();
            text.append(String.format("%-20s %8d %8d %8d%n", entry.getKey().name().toLowerCase(java.util.Locale.ROOT), row[0], row[1], row[2]));
            for (int i = 0; i < 3; i++) {
                total[i] += row[i];
            }
        }
        return text.append(String.format("%-20s %8d %8d %8d%n", "TOTAL", total[0], total[1], total[2])).toString();
    }
}
