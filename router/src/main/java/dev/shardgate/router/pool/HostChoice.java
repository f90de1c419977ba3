package dev.shardgate.router.pool;

import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which host of a shard gets a transaction asking for {@link TargetSessionAttrs}, with libpq's
 * meanings ({@code target_session_attrs} in "Connection Strings"): the role each host's server last
 * reported, never its place in the list. Down hosts and standbys lagging past {@code max_replica_lag}
 * get nothing. Hosts whose role the last check confirmed come before hosts whose last check failed;
 * hosts of unknown role (never checked) are tried last, their role then learned at login. Among
 * equals the least busy host wins (fewest connections lent to clients), ties taken in turn: least
 * busy rather than plain round robin, because a slow standby then gets fewer new transactions
 * instead of a growing queue.
 */
public final class HostChoice {
    /** A host as the choice sees it: its status and how many of its connections are lent out. */
    public record Candidate(String host, HostStatus status, int busy) {
    }

    /**
     * {@code max_replica_lag}: 0 bytes and zero time are no limit; and, for read-your-writes, the WAL
     * position a standby must have replayed ({@code replayedPast}, -1: none).
     */
    public record LagLimit(long bytes, Duration time, long replayedPast) {
        public static final LagLimit NONE = new LagLimit(0, Duration.ZERO);

        public LagLimit(long bytes, Duration time) {
            this(bytes, time, -1);
        }

        /** This limit, and a standby must also have replayed up to {@code wal}. */
        LagLimit replayedPast(long wal) {
            return new LagLimit(bytes, time, wal);
        }

        boolean exceededBy(HostStatus status) {
            if (replayedPast >= 0 && status.role() == HostRole.STANDBY && status.walBytes() < replayedPast) {
                return true;
            }
            if (bytes > 0 && (status.lagBytes() < 0 || status.lagBytes() > bytes)) {
                return true;
            }
            return !time.isZero() && (status.lagSeconds() < 0 || status.lagSeconds() * 1e9 > time.toNanos());
        }
    }

    private HostChoice() {
    }

    /**
     * The index of the chosen host in {@code hosts}.
     *
     * @param rotation any number that changes from call to call: breaks ties in turn
     * @throws PgException 08001 naming the shard and why no host fits; 08006 when two hosts claim to
     *     be primary and the transaction needs one
     */
    public static int choose(String shard, TargetSessionAttrs attrs, List<Candidate> hosts, LagLimit lag, int rotation) {
        List<Candidate> primaries = new ArrayList<>(2);
        for (Candidate c : hosts) {
            if (claimsWrites(c.status)) {
                primaries.add(c);
            }
        }
        boolean twoPrimaries = primaries.size() > 1;
        int chosen = best(attrs, hosts, lag, rotation, twoPrimaries, false);
        if (chosen < 0 && attrs == TargetSessionAttrs.PREFER_STANDBY) {
            chosen = best(TargetSessionAttrs.PRIMARY, hosts, lag, rotation, twoPrimaries, false);
        }
        if (chosen < 0) {
            chosen = best(attrs, hosts, lag, rotation, twoPrimaries, true);
        }
        if (chosen >= 0) {
            return chosen;
        }
        if (twoPrimaries && needsPrimary(attrs)) {
            throw new PgException(SqlState.CONNECTION_FAILURE, "shard \"" + shard + "\" takes no writes: "
                    + primaries.get(0).host + " and " + primaries.get(1).host + " both claim to be primary")
                    .withHint("Stop or demote one of them; the router will not guess which holds the newest data.");
        }
        throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, "shard \"" + shard + "\" has no usable "
                + wanted(attrs) + ": " + reasons(hosts, lag));
    }

    /**
     * A host that is up, was a primary at its last check and takes writes by default: two of these
     * in one shard are a split brain. A primary fenced read-only (default_transaction_read_only on,
     * as SWITCHOVER SHARD leaves the former primary) is no rival.
     */
    static boolean claimsWrites(HostStatus status) {
        return !status.down() && status.role() == HostRole.PRIMARY && status.roleIsCurrent() && !status.readOnlyByDefault();
    }

    private static boolean needsPrimary(TargetSessionAttrs attrs) {
        return switch (attrs) {
            case READ_WRITE, SMART_READ_WRITE, PRIMARY, PREFER_STANDBY, ANY -> true;
            case READ_ONLY, STANDBY -> false;
        };
    }

    private static String wanted(TargetSessionAttrs attrs) {
        return switch (attrs) {
            case READ_WRITE, SMART_READ_WRITE -> "primary (target_session_attrs " + TargetSessionAttrs.READ_WRITE + ")";
            case PRIMARY -> "primary";
            case READ_ONLY -> "host for reads (target_session_attrs read-only)";
            case STANDBY -> "standby";
            case PREFER_STANDBY -> "standby or primary";
            case ANY -> "host";
        };
    }

    /**
     * The least busy host fitting {@code attrs}: with {@code unknownRoles} among hosts of unknown
     * role, else among those whose role the last check confirmed or, failing those, any known role.
     */
    private static int best(TargetSessionAttrs attrs, List<Candidate> hosts, LagLimit lag, int rotation,
                            boolean twoPrimaries, boolean unknownRoles) {
        int n = hosts.size();
        for (int pass = 0; pass < 2; pass++) {
            int best = -1;
            for (int k = 0; k < n; k++) {
                int i = Math.floorMod(rotation + k, n);
                HostStatus status = hosts.get(i).status;
                if (status.down()) {
                    continue;
                }
                // of unknown role: first those nothing failed on yet (a host refusing connections at
                // start fails its first check in milliseconds), then any
                boolean fits = unknownRoles ? status.role() == HostRole.UNKNOWN && (pass == 1 || status.lastError() == null)
                        : fits(attrs, status, lag, twoPrimaries) && (pass == 1 || status.roleIsCurrent());
                if (fits && (best < 0 || hosts.get(i).busy < hosts.get(best).busy)) {
                    best = i;
                }
            }
            if (best >= 0) {
                return best;
            }
        }
        return -1;
    }

    /** Whether a host of known role serves {@code attrs}, as libpq decides after connecting. */
    static boolean fits(TargetSessionAttrs attrs, HostStatus status, LagLimit lag, boolean twoPrimaries) {
        boolean primary = status.role() == HostRole.PRIMARY && !twoPrimaries;
        boolean standby = status.role() == HostRole.STANDBY && !lag.exceededBy(status);
        return switch (attrs) {
            case READ_WRITE, SMART_READ_WRITE -> primary && !status.readOnlyByDefault();
            case PRIMARY -> primary;
            case READ_ONLY -> standby || (primary && status.readOnlyByDefault());
            case STANDBY, PREFER_STANDBY -> standby;
            case ANY -> primary || standby;
        };
    }

    /** Why each host was passed over, for the client's error. */
    private static String reasons(List<Candidate> hosts, LagLimit lag) {
        List<String> reasons = new ArrayList<>();
        for (Candidate c : hosts) {
            HostStatus s = c.status;
            String why;
            if (s.down()) {
                why = "down after " + s.failsInARow() + " failed checks" + (s.lastError() == null ? "" : " (" + s.lastError() + ")");
            } else if (s.role() == HostRole.STANDBY && lag.exceededBy(s)) {
                why = "a standby lagging " + lagText(s) + ", over max_replica_lag";
            } else if (s.role() == HostRole.PRIMARY && s.readOnlyByDefault()) {
                why = "a primary with default_transaction_read_only on";
            } else if (s.role() == HostRole.UNKNOWN) {
                why = "of unknown role" + (s.lastError() == null ? "" : " (" + s.lastError() + ")");
            } else {
                why = "a " + s.role();
            }
            reasons.add(c.host + " is " + why);
        }
        return reasons.isEmpty() ? "it has no hosts" : String.join(", ", reasons);
    }

    private static String lagText(HostStatus s) {
        String bytes = s.lagBytes() < 0 ? "an unknown number of bytes" : s.lagBytes() + " bytes";
        return s.lagSeconds() < 0 ? bytes : bytes + " / " + String.format(Locale.ROOT, "%.1f s", s.lagSeconds());
    }
}
