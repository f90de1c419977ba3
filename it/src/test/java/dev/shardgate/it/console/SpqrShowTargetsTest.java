package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.RouterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPQR's SHOW targets that are not about metadata, and SPQR's spellings of CREATE KEY RANGES and ALTER
 * RELATION … SCHEMA, run by psql against a router started from a router.yaml: the columns print as in
 * SPQR's regression tests (test/regress/tests/console/expected/show_users.out, show_tsa_cache.out,
 * show_move_stats.out, show_file_settings.out), filled with this router's file. The shards are never
 * contacted.
 */
class SpqrShowTargetsTest {
    private static final String ROUTER_YAML = """
            host: '127.0.0.1'
            router_port: '0'
            admin_console_port: '0'
            grpc_api_port: '0'
            log_level: info
            server_connect_timeout: 3s
            tcp_keepidle: 90s
            health_check_interval: 500ms
            frontend_rules:
              - db: spqr-console
                usr: admin
                auth_rule:
                  auth_method: ok
              - db: app
                usr: app
                auth_rule:
                  auth_method: ok
            backend_rules:
              - db: app
                usr: app
                connection_limit: 20
            shards:
              sh1:
                hosts: ['127.0.0.1:1', '127.0.0.1:11']
                db: shop
                usr: shard_user
                pwd: s3cret
              sh2:
                hosts: ['127.0.0.1:2']
            """;

    @TempDir
    Path dir;
    private Path yaml;
    private RouterServer router;
    private Psql psql;

    @BeforeEach
    void start() throws Exception {
        yaml = Files.writeString(dir.resolve("router.yaml"), ROUTER_YAML);
        router = RouterServer.start(RouterConfig.load(yaml), yaml);
        psql = new Psql("127.0.0.1", router.port(), "admin", null, "spqr-console");
    }

    @AfterEach
    void stop() {
        router.close();
    }

    @Test
    void usersAreTheBackendRulesWithSpqrsConnectionSettingsFromTheFile() {
        assertThat(aligned("SHOW users;")).containsExactly(
                " user | dbname | connection_limit | connection_retries | connection_timeout | keep_alive "
                        + "| tcp_user_timeout | pulse_check_interval ",
                "------+--------+------------------+--------------------+--------------------+------------"
                        + "+------------------+----------------------",
                " app  | app    | 20               | 0                  | 3s                 | 1m30s      "
                        + "| 0s               | 500ms",
                "(1 row)",
                "");
    }

    @Test
    void shardsExtendedShowsEachShardsOptionsWithThePasswordMasked() {
        assertThat(unaligned("SHOW shards_extended")).containsExactly(
                "sh1|{db=shop,host=127.0.0.1:1,host=127.0.0.1:11,password=********,user=shard_user}",
                "sh2|{host=127.0.0.1:2}");
        assertThat(unaligned("SHOW shards_extended (options) WHERE shard = 'sh2'")).containsExactly("{host=127.0.0.1:2}");
    }

    @Test
    void fileSettingsSayWhetherTheFilesValueIsInForceUntilReload() throws Exception {
        assertThat(unaligned("SHOW file_settings WHERE name = 'log_level'")).containsExactly("log_level|info|true");
        assertThat(unaligned("SHOW file_settings WHERE applied = 'false'")).isEmpty();
        assertThat(unaligned("SHOW file_settings WHERE name = 'shards.sh1'")).singleElement().asString()
                .contains("db=shop").doesNotContain("s3cret");

        Files.writeString(yaml, ROUTER_YAML.replace("log_level: info", "log_level: debug")
                .replace("router_port: '0'", "router_port: '1'"));
        assertThat(unaligned("SHOW file_settings WHERE applied = 'false' ORDER BY name")).containsExactly(
                "log_level|debug|false", "router_port|1|false");

        assertThat(unaligned("RELOAD")).contains("log_level|info|debug|applied", "router_port|0|1|needs restart");
        assertThat(unaligned("SHOW file_settings WHERE applied = 'false'")).as("a key that needs a restart stays unapplied")
                .containsExactly("router_port|1|false");
    }

    @Test
    void targetsWithoutRowsHereAnswerSpqrsColumns() {
        assertThat(aligned("SHOW move_stats;")).containsExactly(
                " statistic | time ",
                "-----------+------",
                "(0 rows)",
                "");
        assertThat(aligned("SHOW two_phase_tx;")).containsExactly(
                " gid | status | shards ",
                "-----+--------+--------",
                "(0 rows)",
                "");
        assertThat(aligned("SHOW dcs_storage;")).containsExactly(
                " storage ",
                "---------",
                " qdb",
                "(1 row)",
                "");
        assertThat(aligned("SHOW tsa_cache WHERE host = 'none';")).containsExactly(
                " tsa | host | az | alive | match | reason | last_check_time ",
                "-----+------+----+-------+-------+--------+-----------------",
                "(0 rows)",
                "");
    }

    @Test
    void spqrsCreateKeyRangesMakesOneRangePerShardNamedAfterTheDistribution() {
        assertThat(unaligned("""
                CREATE SHARD sh3 WITH HOSTS '127.0.0.1:3';
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                CREATE DISTRIBUTION ds2 COLUMN TYPES integer;
                CREATE KEY RANGES FOR DISTRIBUTION ds1 BETWEEN 0 AND 300 USING SHARDS sh2, sh1;
                CREATE KEY RANGES FOR DISTRIBUTION ds2 USING ALL SHARDS;
                SHOW key_ranges;
                """)).containsExactly(
                "shard id -> sh3", "distribution id -> ds1", "distribution id -> ds2",
                "bound -> 0", "bound -> 150",
                "bound -> -9223372036854775808", "bound -> -3074457345618258603", "bound -> 3074457345618258602",
                "ds1-0|sh2|ds1|0|false", "ds1-1|sh1|ds1|150|false",
                "ds2-0|sh1|ds2|-9223372036854775808|false", "ds2-1|sh2|ds2|-3074457345618258603|false",
                "ds2-2|sh3|ds2|3074457345618258602|false");
    }

    @Test
    void alterRelationSchemaMovesTheRelationInTheMetadata() {
        assertThat(unaligned("""
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id;
                CREATE UNIQUE INDEX ui1 ON orders COLUMNS (id INT);
                ALTER DISTRIBUTION ds1 ALTER RELATION orders SCHEMA sales;
                SHOW relations;
                SHOW unique_indexes;
                """)).containsExactly(
                "distribution id -> ds1", "relation name   -> orders", "distribution id -> ds1",
                "CREATE UNIQUE INDEX", "ALTER DISTRIBUTION",
                "orders|ds1|id|sales", "ui1|orders|id integer|sales");

        ProcessResult refused = psql.command("""
                ALTER DISTRIBUTION ds1 ATTACH RELATION items DISTRIBUTION KEY id AUTO INCREMENT n;
                ALTER DISTRIBUTION ds1 ALTER RELATION items SCHEMA sales""");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("cannot change the schema of relation \"public.items\" because it has AUTO INCREMENT columns");
        assertThat(unaligned("SHOW relations WHERE relation_name = 'items'")).as("nothing changed")
                .isEmpty();
    }

    private List<String> aligned(String sql) {
        ProcessResult result = psql.aligned(sql);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().lines().toList();
    }

    private List<String> unaligned(String sql) {
        ProcessResult result = psql.script(sql);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().lines().toList();
    }
}
