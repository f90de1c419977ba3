package dev.shardgate.console.replica;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hosts that answer the statements failover and switchover send as PostgreSQL would, from a
 * few facts per host; every statement each host received is kept, in order.
 */
final class FakeHosts implements HostQueries {

    static final class Host {
        boolean reachable = true;
        boolean inRecovery;
        long lsn;
        /** What a standby reaches each time it is checked during a switchover, in bytes. */
        long replayStep;
        long nextXid = 1000;
        int writers;
        boolean refusesPromotion;
        boolean readOnly;
        /** A server that refuses logins with this SQLSTATE (running, role unknown); null when it lets us in. */
        SqlState refusesLogin;
        final List<String> received = new ArrayList<>();
    }

    final Map<String, Host> hosts = new LinkedHashMap<>();
    /** The primary whose WAL standbys replay in a switchover. */
    String primary;

    Host primary(String host, long lsn) {
        Host h = host(host, false, lsn);
        primary = host;
        return h;
    }

    Host standby(String host, long lsn) {
        return host(host, true, lsn);
    }

    Host down(String host) {
        Host h = host(host, false, 0);
        h.reachable = false;
        return h;
    }

    private Host host(String name, boolean inRecovery, long lsn) {
        Host h = new Host();
        h.inRecovery = inRecovery;
        h.lsn = lsn;
        hosts.put(name, h);
        return h;
    }

    List<String> received(String host) {
        return hosts.get(host).received;
    }

    @Override
    public synchronized List<List<String>> query(String shard, String host, String sql, Duration timeout) {
        Host h = hosts.get(host);
        if (h == null || !h.reachable) {
            throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "cannot connect to host \"" + host + "\" of shard \"" + shard + "\": Connection refused");
        }
        if (h.refusesLogin != null) {
            throw new PgException(h.refusesLogin, "host \"" + host + "\" of shard \"" + shard
                    + "\": sorry, too many clients already");
        }
        h.received.add(sql);
        if (sql.equals(HostProbe.SQL)) {
            if (h.inRecovery && h.replayStep > 0 && primary != null) {
                h.lsn = Math.min(hosts.get(primary).lsn, h.lsn + h.replayStep);
            }
            return rows(row(h.inRecovery ? "t" : "f", new Lsn(h.lsn).toString(), h.inRecovery ? "1.5" : null));
        }
        if (sql.startsWith("SELECT pg_promote(")) {
            if (h.refusesPromotion) {
                throw new PgException(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied for function pg_promote");
            }
            if (!h.inRecovery) {
                throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "recovery is not in progress");
            }
            h.inRecovery = false;
            return rows(row("t"));
        }
        return switch (sql) {
            case ShardSwitchover.READ_ONLY -> {
                h.readOnly = true;
                yield List.of();
            }
            case ShardSwitchover.WRITABLE -> {
                h.readOnly = false;
                yield List.of();
            }
            case ShardSwitchover.RELOAD -> rows(row("t"));
            case ShardSwitchover.WRITERS -> rows(row(Integer.toString(h.writers)));
            case ShardSwitchover.TERMINATE -> {
                int terminated = h.writers;
                h.writers = 0;
                yield rows(row(Integer.toString(terminated)));
            }
            case ShardSwitchover.SWITCH_POINT -> rows(row(new Lsn(h.lsn).toString(), Long.toString(h.nextXid)));
            case ShardSwitchover.NEXT_XID -> rows(row(Long.toString(h.nextXid)));
            default -> throw new PgException(SqlState.SYNTAX_ERROR, "fake host does not know: " + sql);
        };
    }

    private static List<List<String>> rows(List<String> row) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(row);
        return rows;
    }

    private static List<String> row(String... values) {
        return java.util.Arrays.asList(values);
    }
}
