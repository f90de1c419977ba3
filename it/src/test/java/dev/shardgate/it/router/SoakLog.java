package dev.shardgate.it.router;

import dev.shardgate.it.harness.PgbenchProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What happened during the shard-failure soak, written by many threads: events with their time
 * since the start, counted outcomes (a client death, an error by SQLSTATE), the errors that broke a
 * rule, and each shard's pgbench progress. Printed as it happens and written out as the report.
 */
final class SoakLog {
    private final Instant start;
    private final List<String> events = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();
    private final Map<String, List<PgbenchProgress.Interval>> progress = new TreeMap<>();

    SoakLog(Instant start) {
        this.start = start;
    }

    Instant start() {
        return start;
    }

    double secondsSinceStart() {
        return (System.currentTimeMillis() - start.toEpochMilli()) / 1000.0;
    }

    synchronized void event(String what) {
        String line = String.format(Locale.ROOT, "%7.1f s  %s", secondsSinceStart(), what);
        events.add(line);
        System.out.println("soak: " + line);
    }

    /** An outcome to count, such as {@code "death IN_TRANSACTION_RESET sh2: freed"}. */
    void count(String outcome) {
        counts.computeIfAbsent(outcome, key -> new LongAdder()).increment();
    }

    /** A client error that was not an ErrorResponse, a hang, or another broken rule. */
    synchronized void violation(String what) {
        event("VIOLATION " + what);
        violations.add(what);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized void progress(String shard, List<PgbenchProgress.Interval> intervals) {
        progress.computeIfAbsent(shard, key -> new ArrayList<>()).addAll(intervals);
    }

    /**
     * Writes the per-10 s TPS of each shard (intervals placed by their end, the disturbed shard's
     * pgbench restarted runs included), the events, the counts and the verdicts.
     */
    synchronized void write(Path file, List<String> header, List<String> verdicts) throws IOException {
        List<String> lines = new ArrayList<>(header);
        lines.add("");
        StringBuilder columns = new StringBuilder("   time");
        progress.keySet().forEach(shard -> columns.append(String.format(Locale.ROOT, "  %10s", shard + " tps")));
        lines.add(columns.toString());
        SortedMap<Long, Map<String, Double>> byTime = new TreeMap<>();
        progress.forEach((shard, intervals) -> intervals.forEach(interval -> {
            long slot = Math.round((interval.endEpochSeconds() - start.toEpochMilli() / 1000.0) / 10.0) * 10;
            // two short runs of a restarted pgbench may end in one slot
            byTime.computeIfAbsent(slot, key -> new TreeMap<>()).merge(shard, interval.tps(), (a, b) -> (a + b) / 2);
        }));
        byTime.forEach((slot, tps) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%5d s", slot));
            progress.keySet().forEach(shard -> row.append(tps.containsKey(shard)
                    ? String.format(Locale.ROOT, "  %10.1f", tps.get(shard)) : String.format(Locale.ROOT, "  %10s", "-")));
            lines.add(row.toString());
        });
        lines.add("");
        lines.add("events:");
        lines.addAll(events);
        lines.add("");
        lines.add("counts:");
        counts.forEach((outcome, count) -> lines.add(String.format(Locale.ROOT, "%8d  %s", count.sum(), outcome)));
        lines.add("");
        lines.addAll(verdicts);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
    }
}
