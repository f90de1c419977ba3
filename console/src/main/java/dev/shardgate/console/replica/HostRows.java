package dev.shardgate.console.replica;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SHOW hosts as a console without pools answers it (the coordinator): one row per host from one
 * check round, in the columns the router's SHOW hosts has; connections stays empty.
 */
public final class HostRows {
    public static final List<String> COLUMNS = List.of("shard", "host", "role", "state", "lag_bytes", "lag_seconds",
            "connections", "last_check", "last_error");

    private HostRows() {
    }

    /**
     * Lag is measured against the shard's primary: bytes of WAL the standby has not replayed, and
     * the age of its last replayed transaction while it is behind (0 when caught up — an idle
     * primary makes that age grow without any lag). Without exactly one reachable primary lag is
     * unknown (null).
     */
    public static List<List<String>> rows(List<HostState> shardHosts) {
        List<HostState> primaries = shardHosts.stream().filter(HostState::isPrimary).toList();
        Optional<HostState> primary = primaries.size() == 1 ? Optional.of(primaries.getFirst()) : Optional.empty();
        List<List<String>> rows = new ArrayList<>();
        for (HostState host : shardHosts) {
            String lagBytes = null;
            String lagSeconds = null;
            if (host.isPrimary() && primary.isPresent()) {
                lagBytes = "0";
                lagSeconds = "0";
            } else if (host.isStandby() && primary.isPresent()) {
                long behind = primary.get().lsn().bytesAfter(host.lsn());
                lagBytes = Long.toString(behind);
                lagSeconds = behind == 0 ? "0" : seconds(host.replayAge());
            }
            List<String> row = new ArrayList<>();
            row.add(host.shard());
            row.add(host.host());
            row.add(host.role().consoleName());
            row.add(host.stateName());
            row.add(lagBytes);
            row.add(lagSeconds);
            row.add(null);
            row.add(DateTimeFormatter.ISO_INSTANT.format(host.checkedAt()));
            row.add(host.error());
            rows.add(row);
        }
        return rows;
    }

    private static String seconds(Duration age) {
        return age == null ? null : String.format(java.util.Locale.ROOT, "%.3f", age.toNanos() / 1e9);
    }
}
