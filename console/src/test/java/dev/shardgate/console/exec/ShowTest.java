package dev.shardgate.console.exec;

import dev.shardgate.console.parse.ConsoleParser;
import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SHOW targets, their columns, and WHERE. */
class ShowTest {
    private final ConsoleHarness console = new ConsoleHarness(new RouterStatus() {
        @Override
        public List<ClientInfo> clients() {
            return List.of(new ClientInfo("c1", "app", "shop", "10.0.0.5:5000", "b1"),
                    new ClientInfo("c2", "report", "shop", "10.0.0.6:5001", null));
        }

        @Override
        public List<PoolInfo> pools() {
            return List.of(new PoolInfo("sh1", "shop", "app", 1, 2, 0, 10, "localhost:5432"));
        }

        @Override
        public List<BackendInfo> backendConnections() {
            return List.of(new BackendInfo("b1", "sh1", "pg1:5432", 4711, "app", "shop", "idle", 42));
        }

        @Override
        public List<HostInfo> hosts() {
            return List.of(new HostInfo("sh1", "pg1:5432", "primary", "up", "0", "0.000", 3, "2026-12-07T00:00:00Z", null),
                    new HostInfo("sh1", "pg1b:5432", "standby", "down", null, null, 0, "2026-12-07T00:00:00Z",
                            "connection refused"));
        }

        @Override
        public java.util.Map<String, String> shardOptions(String shardId) {
            return shardId.equals("sh1") ? java.util.Map.of("user", "u1", "password", "********") : java.util.Map.of();
        }

        @Override
        public List<UserInfo> users() {
            return List.of(new UserInfo("app", "shop", 10, 0, "5s", "30s", "0s", "2s"));
        }

        @Override
        public String version() {
            return "Shardgate 9.9";
        }

        @Override
        public String status() {
            return "OPEN";
        }
    });

    @BeforeEach
    void metadata() {
        console.run("""
                CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE SHARD sh2 WITH HOSTS 'pg2:5432';
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer; CREATE DISTRIBUTION ds2 COLUMN TYPES varchar;
                CREATE KEY RANGE a2 FROM 100 ROUTE TO sh2 FOR DISTRIBUTION ds1;
                CREATE KEY RANGE a1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
                CREATE KEY RANGE b1 FROM 'a' ROUTE TO sh2 FOR DISTRIBUTION ds2;
                LOCK KEY RANGE a2""");
    }

    @Test
    void keyRangesHaveSpqrColumns() {
        ConsoleResult.Rows rows = console.show("SHOW key_ranges");
        assertThat(rows.columns()).containsExactly("key_range_id", "shard_id", "distribution_id", "lower_bound", "locked");
        assertThat(rows.rows()).containsExactly(
                row("a1", "sh1", "ds1", "0", "false"),
                row("a2", "sh2", "ds1", "100", "true"),
                row("b1", "sh2", "ds2", "'a'", "false"));
        assertThat(rows.tag()).isEqualTo("SELECT 3");
    }

    @Test
    void whereFiltersByEqualityAndInequality() {
        assertThat(console.rows("SHOW key_ranges WHERE distribution_id = 'ds1'")).extracting(List::getFirst)
                .containsExactly("a1", "a2");
        assertThat(console.rows("SHOW key_ranges WHERE shard_id <> 'sh1'")).extracting(List::getFirst)
                .containsExactly("a2", "b1");
        assertThat(console.rows("SHOW key_ranges WHERE shard_id != 'sh1'")).extracting(List::getFirst)
                .containsExactly("a2", "b1");
    }

    @Test
    void whereCombinesWithAndOrAndParentheses() {
        assertThat(console.rows("SHOW key_ranges WHERE distribution_id = 'ds1' AND shard_id = 'sh2'"))
                .extracting(List::getFirst).containsExactly("a2");
        assertThat(console.rows("SHOW key_ranges WHERE key_range_id = 'a1' OR key_range_id = 'b1'"))
                .extracting(List::getFirst).containsExactly("a1", "b1");
        assertThat(console.rows("SHOW key_ranges WHERE locked = 'true' OR distribution_id = 'ds2' AND shard_id = 'sh1'"))
                .as("AND binds tighter than OR").extracting(List::getFirst).containsExactly("a2");
        assertThat(console.rows("SHOW key_ranges WHERE (locked = 'true' OR distribution_id = 'ds2') AND shard_id = 'sh2'"))
                .extracting(List::getFirst).containsExactly("a2", "b1");
    }

    @Test
    void numbersCompareAsText() {
        assertThat(console.rows("SHOW key_ranges WHERE lower_bound = 100")).extracting(List::getFirst).containsExactly("a2");
        assertThat(console.rows("SHOW pools WHERE limit = 10")).hasSize(1);
    }

    @Test
    void nullNeverMatchesLikeInSql() {
        assertThat(console.rows("SHOW clients WHERE server_id = 'b1'")).extracting(List::getFirst).containsExactly("c1");
        assertThat(console.rows("SHOW clients WHERE server_id <> 'b1'")).as("NULL <> 'b1' is unknown").isEmpty();
        assertThat(console.rows("SHOW clients WHERE server_id <> 'b1' OR user = 'report'")).extracting(List::getFirst)
                .containsExactly("c2");
        assertThat(console.rows("SHOW distributions WHERE default_shard <> 'x'")).isEmpty();
    }

    @Test
    void whereOnAnUnknownColumnNamesIt() {
        PgException e = console.fails("SHOW key_ranges WHERE shard = 'sh1'", SqlState.UNDEFINED_COLUMN,
                "column \"shard\" does not exist");
        assertThat(e.hint()).isEqualTo("SHOW key_ranges has columns key_range_id, shard_id, distribution_id, lower_bound, locked.");
        console.fails("SHOW shards WHERE shard_id = 'sh1' AND nope <> 'x'", SqlState.UNDEFINED_COLUMN,
                "column \"nope\" does not exist");
    }

    @Test
    void whereWorksOnEveryTarget() {
        assertThat(console.rows("SHOW shards WHERE shard_id = 'sh2'")).containsExactly(row("sh2", "pg2:5432"));
        assertThat(console.rows("SHOW distributions WHERE column_types = 'varchar'")).containsExactly(row("ds2", "varchar", null));
        assertThat(console.rows("SHOW backend_connections WHERE hostname = 'pg1:5432'")).hasSize(1);
        assertThat(console.rows("SHOW backend_connections WHERE hostname = 'localhost'")).isEmpty();
        assertThat(console.rows("SHOW version WHERE version = 'Shardgate 9.9'")).containsExactly(row("Shardgate 9.9"));
        assertThat(console.rows("SHOW status WHERE status = 'CLOSED'")).isEmpty();
    }

    @Test
    void routerTargetsComeFromRouterStatus() {
        assertThat(console.show("SHOW clients").columns()).containsExactly("client_id", "user", "dbname", "client_address", "server_id");
        assertThat(console.rows("SHOW clients")).containsExactly(
                row("c1", "app", "shop", "10.0.0.5:5000", "b1"), row("c2", "report", "shop", "10.0.0.6:5001", null));
        assertThat(console.show("SHOW pools").columns())
                .containsExactly("shard_id", "dbname", "user", "active", "idle", "waiting", "limit", "host");
        assertThat(console.rows("SHOW pools")).containsExactly(row("sh1", "shop", "app", "1", "2", "0", "10", "localhost:5432"));
        assertThat(console.show("SHOW hosts").columns()).containsExactly("shard", "host", "role", "state", "lag_bytes",
                "lag_seconds", "connections", "last_check", "last_error");
        assertThat(console.rows("SHOW hosts WHERE state = 'down'")).containsExactly(
                row("sh1", "pg1b:5432", "standby", "down", null, null, "0", "2026-12-07T00:00:00Z", "connection refused"));
        assertThat(console.show("SHOW backend_connections").columns()).containsExactly(
                "backend_connection_id", "shard_id", "hostname", "pid", "user", "dbname", "tx_status", "tx_served");
        assertThat(console.rows("SHOW backend_connections"))
                .containsExactly(row("b1", "sh1", "pg1:5432", "4711", "app", "shop", "idle", "42"));
        assertThat(console.rows("SHOW version")).containsExactly(row("Shardgate 9.9"));
        assertThat(console.rows("SHOW status")).containsExactly(row("OPEN"));
    }

    @Test
    void withoutClientsStatusHasEmptyLists() {
        var plain = new ConsoleHarness();
        assertThat(plain.rows("SHOW clients")).isEmpty();
        assertThat(plain.rows("SHOW pools")).isEmpty();
        assertThat(plain.rows("SHOW backend_connections")).isEmpty();
        assertThat(plain.rows("SHOW hosts")).isEmpty();
        assertThat(plain.rows("SHOW version")).containsExactly(row("Shardgate test"));
    }

    @Test
    void shardsExtendedListsHostsAndOptionsSortedAsSpqrDoes() {
        ConsoleResult.Rows rows = console.show("SHOW shards_extended");
        assertThat(rows.columns()).containsExactly("shard", "options");
        assertThat(rows.rows()).containsExactly(
                row("sh1", "{host=pg1:5432,password=********,user=u1}"),
                row("sh2", "{host=pg2:5432}"));
    }

    @Test
    void usersHaveSpqrsColumns() {
        assertThat(console.show("SHOW users").columns()).containsExactly("user", "dbname", "connection_limit",
                "connection_retries", "connection_timeout", "keep_alive", "tcp_user_timeout", "pulse_check_interval");
        assertThat(console.rows("SHOW users (user, connection_limit)")).containsExactly(row("app", "10"));
    }

    /** A host up answers for the role it has; a host down matches neither, with the check's error as reason. */
    @Test
    void tsaCacheAnswersPerCheckedHostForReadWriteAndReadOnly() {
        ConsoleResult.Rows rows = console.show("SHOW tsa_cache");
        assertThat(rows.columns()).containsExactly("tsa", "host", "az", "alive", "match", "reason", "last_check_time");
        assertThat(rows.rows()).containsExactly(
                row("read-write", "pg1:5432", "", "true", "true", "host is a primary", "2026-12-07T00:00:00Z"),
                row("read-only", "pg1:5432", "", "true", "false", "host is a primary, not a standby", "2026-12-07T00:00:00Z"),
                row("read-write", "pg1b:5432", "", "false", "false", "connection refused", "2026-12-07T00:00:00Z"),
                row("read-only", "pg1b:5432", "", "false", "false", "connection refused", "2026-12-07T00:00:00Z"));
        assertThat(console.rows("SHOW tsa_cache (host) WHERE tsa = 'read-only' AND match = 'true'")).isEmpty();
    }

    @Test
    void targetsWithoutDataHereAnswerTheirColumnsAndNoRows() {
        assertThat(console.show("SHOW move_stats").columns()).containsExactly("statistic", "time");
        assertThat(console.rows("SHOW move_stats")).isEmpty();
        assertThat(console.show("SHOW file_settings").columns()).containsExactly("name", "setting", "applied");
        assertThat(console.rows("SHOW file_settings")).isEmpty();
        assertThat(console.show("SHOW two_phase_tx").columns()).containsExactly("gid", "status", "shards");
        assertThat(console.rows("SHOW dcs_storage")).containsExactly(row("qdb"));
    }

    @Test
    void targetNamesAreCaseFolded() {
        assertThat(console.rows("SHOW KEY_RANGES")).hasSize(3);
        console.fails("SHOW \"KEY_RANGES\"", SqlState.UNDEFINED_OBJECT, "unknown SHOW target \"KEY_RANGES\" (expected shards, "
                + "shards_extended, distributions, key_ranges, key_ranges_extended, relations, reference_relations, sequences,"
                + " unique_indexes, clients, pools, backend_connections, stats, hosts, pauses, users, tsa_cache, move_stats,"
                + " file_settings, two_phase_tx, dcs_storage, is_read_only, status or version)");
    }

    @Test
    void unknownAndCoordinatorTargets() {
        console.fails("SHOW databases", SqlState.UNDEFINED_OBJECT, "unknown SHOW target \"databases\" (expected shards, "
                + "shards_extended, distributions, key_ranges, key_ranges_extended, relations, reference_relations, sequences,"
                + " unique_indexes, clients, pools, backend_connections, stats, hosts, pauses, users, tsa_cache, move_stats,"
                + " file_settings, two_phase_tx, dcs_storage, is_read_only, status or version)");
        console.fails("SHOW routers", SqlState.FEATURE_NOT_SUPPORTED, "SHOW routers is only supported on the coordinator");
        console.fails("SHOW task_group", SqlState.FEATURE_NOT_SUPPORTED, "SHOW task_group is only supported on the coordinator");
    }

    @Test
    void rebalanceIsShownOnlyByTheCoordinator() {
        console.fails("SHOW rebalance", SqlState.FEATURE_NOT_SUPPORTED, "SHOW rebalance is only supported on the coordinator");
        console.fails("SHOW balancer", SqlState.FEATURE_NOT_SUPPORTED, "SHOW balancer is only supported on the coordinator");
    }

    @Test
    void columnListAnswersTheNamedColumnsInItsOrder() {
        ConsoleResult.Rows rows = console.show("SHOW key_ranges (lower_bound, key_range_id) WHERE distribution_id = 'ds1'");
        assertThat(rows.columns()).containsExactly("lower_bound", "key_range_id");
        assertThat(rows.rows()).containsExactly(row("0", "a1"), row("100", "a2"));
        assertThat(console.executor.describe(ConsoleParser.parse("SHOW key_ranges (locked)").getFirst()))
                .contains(List.of("locked"));
    }

    @Test
    void orderByComparesIntegersAsNumbersAndTextAsText() {
        console.run("CREATE KEY RANGE a3 FROM 9 ROUTE TO sh1 FOR DISTRIBUTION ds1; UNLOCK KEY RANGE a2;"
                + "SPLIT KEY RANGE a4 FROM a2 BY 1000");
        assertThat(console.rows("SHOW key_ranges (key_range_id, lower_bound) WHERE distribution_id = 'ds1' ORDER BY lower_bound"))
                .as("9 before 100 before 1000, as numbers order")
                .containsExactly(row("a1", "0"), row("a3", "9"), row("a2", "100"), row("a4", "1000"));
        assertThat(console.rows("SHOW key_ranges (key_range_id) ORDER BY shard_id DESC").stream().map(List::getFirst))
                .as("descending, stable among equal shards")
                .containsExactly("a2", "a4", "b1", "a1", "a3");
    }

    @Test
    void groupByCountsTheRowsOfEachGroup() {
        ConsoleResult.Rows rows = console.show("SHOW key_ranges GROUP BY shard_id ORDER BY count DESC");
        assertThat(rows.columns()).containsExactly("shard_id", "count");
        assertThat(rows.rows()).containsExactly(row("sh2", "2"), row("sh1", "1"));
        assertThat(console.rows("SHOW key_ranges WHERE locked = 'false' GROUP BY distribution_id, shard_id"))
                .containsExactly(row("ds1", "sh1", "1"), row("ds2", "sh2", "1"));
        console.fails("SHOW key_ranges (key_range_id) GROUP BY shard_id", SqlState.GROUPING_ERROR,
                "column \"key_range_id\" must appear in the GROUP BY clause");
    }

    @Test
    void shapesNameOnlyColumnsTheTargetHas() {
        console.fails("SHOW key_ranges (nope)", SqlState.UNDEFINED_COLUMN, "column \"nope\" does not exist");
        console.fails("SHOW key_ranges ORDER BY nope", SqlState.UNDEFINED_COLUMN, "column \"nope\" does not exist");
        console.fails("SHOW key_ranges GROUP BY nope", SqlState.UNDEFINED_COLUMN, "column \"nope\" does not exist");
    }
}
