package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.ProcessResult;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run of pgbench printed on stderr: its progress lines (with {@code -P 10
 * --progress-timestamp}) and the errors it reported, each error judged by whether the server (here: the router) sent an
 * ErrorResponse. libpq prints an ErrorResponse as {@code ERROR:} or {@code FATAL:}, and a connection
 * that ended without one as "server closed the connection unexpectedly" alone.
 *
 * @param intervals the progress lines, in order
 * @param errors pgbench's error reports, continuation lines joined
 */
public record PgbenchProgress(int exitCode, List<Interval> intervals, List<String> errors) {
    private static final Pattern PROGRESS = Pattern.compile("^progress: ([0-9.]+) s, ([0-9.]+) tps");

    /** Transactions per second over the progress interval ending at {@code endEpochSeconds}. */
    public record Interval(double endEpochSeconds, double tps) {
    }

    public static PgbenchProgress of(ProcessResult result) {
        List<Interval> intervals = new ArrayList<>();
        List<StringBuilder> records = new ArrayList<>();
        StringBuilder record = null;
        for (String line : result.stderr().split("\n")) {
            Matcher progress = PROGRESS.matcher(line);
            if (progress.find()) {
                intervals.add(new Interval(Double.parseDouble(progress.group(1)), Double.parseDouble(progress.group(2))));
                record = null;
            } else if (line.startsWith("pgbench:")) {
                record = new StringBuilder(line.strip());
                records.add(record);
            } else if (record != null && !line.isBlank()) {
                record.append(" | ").append(line.strip());
            }
        }
        List<String> errors = records.stream().map(StringBuilder::toString).filter(PgbenchProgress::isClientError).toList();
        return new PgbenchProgress(result.exitCode(), intervals, errors);
    }

    /** The errors that do not carry a server's ErrorResponse: a connection lost or closed without one. */
    public List<String> errorsWithoutErrorResponse() {
        return errors.stream().filter(error -> !error.contains("ERROR:") && !error.contains("FATAL:")).toList();
    }

    /** pgbench's own summaries of an error reported in full before it are no client errors of their own. */
    private static boolean isClientError(String record) {
        return record.contains("error:") && !record.contains("Run was aborted") && !record.contains("could not create connection for");
    }
}
