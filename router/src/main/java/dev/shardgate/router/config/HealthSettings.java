package dev.shardgate.router.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the router learns the role and health of every host of its shards (see docs/replicas.md).
 *
 * @param interval {@code health_check_interval}: every host in use is checked this often
 * @param timeout {@code health_check_timeout}: a check (connect, log in, one query) must answer within
 *     this, else it failed
 * @param fails {@code health_check_fails}: this many failed checks in a row make a host down
 * @param successes {@code health_check_successes}: this many good checks in a row make a down host up
 * @param maxLagBytes {@code max_replica_lag} as a size: a standby further behind the primary's WAL
 *     gets no reads; 0 is no limit
 * @param maxLagTime {@code max_replica_lag} as a duration: a standby whose last replayed transaction
 *     is older than this while it is behind gets no reads; zero is no limit
 * @param user {@code health_check.user}, or null: the user of the first pool made for the shard
 * @param database {@code health_check.database}, or null: the database of that pool
 * @param password {@code health_check.password}, or null: that pool's backend rule's password
 */
public record HealthSettings(Duration interval, Duration timeout, int fails, int successes,
                             long maxLagBytes, Duration maxLagTime, String user, String database, String password) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_FAILS = 3;
    public static final int DEFAULT_SUCCESSES = 2;
    public static final HealthSettings DEFAULTS = new HealthSettings(DEFAULT_INTERVAL, DEFAULT_TIMEOUT,
            DEFAULT_FAILS, DEFAULT_SUCCESSES, 0, Duration.ZERO, null, null, null);

    public HealthSettings {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(maxLagTime, "maxLagTime");
    }

    /** True when the health_check section names who checks (else each shard's first pool's credentials). */
    public boolean hasOwnCredentials() {
        return user != null && database != null;
    }

    public HealthSettings withInterval(Duration value) {
        return new HealthSettings(value, timeout, fails, successes, maxLagBytes, maxLagTime, user, database, password);
    }

    public HealthSettings withTimeout(Duration value) {
        return new HealthSettings(interval, value, fails, successes, maxLagBytes, maxLagTime, user, database, password);
    }

    public HealthSettings withCounts(int failsToDown, int successesToUp) {
        return new HealthSettings(interval, timeout, failsToDown, successesToUp, maxLagBytes, maxLagTime, user, database, password);
    }

    public HealthSettings withMaxLag(long bytes, Duration time) {
        return new HealthSettings(interval, timeout, fails, successes, bytes, time, user, database, password);
    }

    public HealthSettings withCredentials(String checkUser, String checkDatabase, String checkPassword) {
        return new HealthSettings(interval, timeout, fails, successes, maxLagBytes, maxLagTime, checkUser, checkDatabase, checkPassword);
    }

    /** {@code max_replica_lag} as router.yaml writes it: {@code 16MB, 10s}, one of them, or {@code 0}. */
    public String maxLagText() {
        if (maxLagBytes == 0 && maxLagTime.isZero()) {
            return "0";
        }
        if (maxLagBytes == 0) {
            return ConfigUnits.formatDuration(maxLagTime);
        }
        if (maxLagTime.isZero()) {
            return ConfigUnits.formatSize(maxLagBytes);
        }
        return ConfigUnits.formatSize(maxLagBytes) + ", " + ConfigUnits.formatDuration(maxLagTime);
    }
}
