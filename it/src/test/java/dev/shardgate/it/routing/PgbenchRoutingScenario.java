package dev.shardgate.it.routing;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pgbench through the router in TRANSACTION pool mode, with a script that touches one account per
 * transaction, in each query mode. Every shard holds exactly its range of pgbench_accounts (100000
 * accounts split evenly); afterwards each shard still holds exactly its range and the balances over
 * all shards add up to the transactions pgbench counted: an update sent to the wrong shard finds no
 * row and would be missing from the sum.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PgbenchRoutingScenario {
    private static final int ACCOUNTS = 100_000;
    private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: (\\d+)");

    private RoutedShards cluster;

    @BeforeAll
    void startRouterOverLoadedShards(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, getClass().getSimpleName().toLowerCase(Locale.ROOT))
                .initSql("pgbench_" + servers.size() + "_shards.sql")
                .start();
        for (String shard : cluster.shardNames()) {
            // pgbench's own tables, empty; then exactly this shard's accounts
            ProcessResult init = cluster.pgbenchOn(shard).run(Duration.ofMinutes(1), "-i", "-I", "dtp", "-s", "1", "-q");
            assertThat(init.exitCode()).as(init.stderr()).isZero();
            cluster.on(shard, "INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT aid, 1, 0, ''"
                    + " FROM generate_series(" + firstAid(shard) + ", " + lastAid(shard) + ") aid");
        }
    }

    @AfterAll
    void stopRouter() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private int perShard() {
        return ACCOUNTS / cluster.shardCount();
    }

    private long firstAid(String shard) {
        return (long) (Integer.parseInt(shard.substring(2)) - 1) * perShard() + 1;
    }

    private long lastAid(String shard) {
        return firstAid(shard) + perShard() - 1;
    }

    @ParameterizedTest(name = "pgbench -M {0}")
    @ValueSource(strings = {"simple", "extended", "prepared"})
    void runsWithoutErrorsAndEveryUpdateLandsOnItsAccountsShard(String mode) throws SQLException {
        Map<String, Long> before = balances();
        ProcessResult run = cluster.pgbench().run(Duration.ofSeconds(10), "-n", "-M", mode, "-c", "4", "-j", "2",
                "-T", "2", "-f", RoutedShards.resource("pgbench_one_account.pgbench").toString());
        assertThat(run.exitCode()).as("pgbench -M %s: %s", mode, run.stderr()).isZero();
        assertThat(run.stderr()).doesNotContain("error", "ERROR");
        assertThat(run.stdout()).contains("number of failed transactions: 0");
        Matcher processed = PROCESSED.matcher(run.stdout());
        assertThat(processed.find()).as(run.stdout()).isTrue();
        long transactions = Long.parseLong(processed.group(1));
        assertThat(transactions).isPositive();

        Map<String, Long> after = balances();
        long added = 0;
        for (String shard : cluster.shardNames()) {
            assertThat(cluster.on(shard, "SELECT count(*) || ':' || min(aid) || ':' || max(aid) FROM pgbench_accounts"))
                    .as("accounts of %s", shard)
                    .isEqualTo(perShard() + ":" + firstAid(shard) + ":" + lastAid(shard));
            long shardAdded = after.get(shard) - before.get(shard);
            assertThat(shardAdded).as("updates on %s", shard).isPositive();
            added += shardAdded;
        }
        assertThat(added).as("sum(abalance) added over all shards").isEqualTo(transactions);
    }

    private Map<String, Long> balances() throws SQLException {
        Map<String, Long> sums = new LinkedHashMap<>();
        for (String shard : cluster.shardNames()) {
            sums.put(shard, Long.parseLong(cluster.on(shard, "SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts")));
        }
        return sums;
    }
}
