package dev.shardgate.console.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SPQR's {@code SHOW tsa_cache}, from the pool's health checks: SPQR caches, per host, whether it
 * matched each target_session_attrs asked for; Shardgate checks every host's role on a timer and
 * chooses hosts from that, so each checked host answers for {@code read-write} (the primary) and
 * {@code read-only} (a standby). There are no availability zones here: {@code az} is empty.
 */
final class TsaChecks {
    static final String READ_WRITE = "read-write";
    static final String READ_ONLY = "read-only";

    private TsaChecks() {
    }

    /** Two rows per host that was checked at least once; none for a host not checked yet. */
    static List<List<String>> rows(List<HostInfo> hosts) {
        List<List<String>> rows = new ArrayList<>();
        for (HostInfo host : hosts) {
            if (host.lastCheck() == null || "unchecked".equals(host.state())) {
                continue;
            }
            rows.add(row(host, READ_WRITE, "primary"));
            rows.add(row(host, READ_ONLY, "standby"));
        }
        return rows;
    }

    private static List<String> row(HostInfo host, String tsa, String role) {
        boolean alive = "up".equals(host.state());
        boolean match = alive && role.equals(host.role());
        String reason;
        if (!alive) {
            reason = host.lastError() == null ? "host is down" : host.lastError();
        } else if (match) {
            reason = "host is a " + role;
        } else {
            reason = "host is a " + host.role() + ", not a " + role;
        }
        return Arrays.asList(tsa, host.host(), "", Boolean.toString(alive), Boolean.toString(match), reason,
                host.lastCheck());
    }
}
