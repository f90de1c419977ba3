package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A script written for SPQR's console, run by the real psql against a router's console: SPQR's
 * statements that change metadata in place, with SPQR's spellings ("double-quoted" hosts), and HELP.
 * The shards are never contacted: every statement here is metadata only.
 */
class SpqrConsoleStatementsTest {
    private static final String SETUP = """
            CREATE SHARD sh1 WITH HOSTS "127.0.0.1:1";
            CREATE SHARD sh2 OPTIONS (HOST "127.0.0.1:2");
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY W_ID;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr2 FROM 100 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            """;

    private RouterServer router;
    private AdminConsole console;

    @BeforeEach
    void start() throws Exception {
        router = RouterServer.start(RouterConfig.builder()
                .host("127.0.0.1").routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(FrontendRule.console("admin", AuthRule.ok()))
                .frontendRule(FrontendRule.of("app", "app", AuthRule.ok()))
                .backendRule(BackendRule.of("app", "app", AuthRule.ok()))
                .shard("sh0", ShardConfig.data("127.0.0.1:3"))
                .build());
        console = AdminConsole.of(router, "admin", null);
        assertSucceeds(SETUP);
    }

    @AfterEach
    void stop() {
        router.close();
    }

    @Test
    void spqrsInPlaceChangesShowInTheMetadata() {
        assertThat(console.psql().script("""
                ALTER DISTRIBUTION ds1 ADD DEFAULT SHARD sh2;
                ALTER DISTRIBUTION ds1 ALTER RELATION orders RENAME DISTRIBUTION COLUMN w_id TO "W_Id";
                RENAME KEY RANGE kr2 TO krid2;
                MOVE KEY RANGE krid2 TO sh2 META ONLY;
                ALTER SHARD sh1 OPTIONS (ADD HOST "127.0.0.1:4", DROP HOST '127.0.0.1:1');
                """).stdout().lines().toList())
                .containsExactly("ALTER DISTRIBUTION", "ALTER DISTRIBUTION", "rename key range kr2 to krid2",
                        "move key range krid2 to shard sh2", "ALTER SHARD");

        assertThat(fields("SHOW distributions WHERE distribution_id = 'ds1'")).contains("sh2");
        assertThat(fields("SHOW relations WHERE relation_name = 'orders'")).anySatisfy(f -> assertThat(f).contains("W_Id"));
        assertThat(fields("SHOW key_ranges WHERE key_range_id = 'krid2'")).contains("krid2", "100", "sh2");
        assertThat(output("SHOW key_ranges WHERE key_range_id = 'kr2'")).isEmpty();
        assertThat(fields("SHOW shards WHERE shard_id = 'sh1'")).contains("127.0.0.1:4").doesNotContain("127.0.0.1:1");

        assertSucceeds("ALTER DISTRIBUTION ds1 DROP DEFAULT SHARD; ALTER DISTRIBUTION ds1 ALTER RELATION orders DISTRIBUTION KEY id");
        assertThat(fields("SHOW distributions WHERE distribution_id = 'ds1'")).doesNotContain("sh2");
        assertThat(fields("SHOW relations WHERE relation_name = 'orders'")).anySatisfy(f -> assertThat(f).contains("id"))
                .noneSatisfy(f -> assertThat(f).contains("W_Id"));
    }

    @Test
    void uniqueIndexIsStoredAndShown() {
        assertThat(output("CREATE UNIQUE INDEX ui1 ON orders COLUMNS (w_id INT, code VARCHAR)")).containsExactly("CREATE UNIQUE INDEX");
        assertThat(output("SHOW unique_indexes")).containsExactly("ui1|orders|w_id integer, code varchar|public");
        assertThat(output("DROP UNIQUE INDEX ui1")).containsExactly("DROP UNIQUE INDEX");
        assertThat(output("SHOW unique_indexes")).isEmpty();
    }

    @Test
    void refusalsNameTheObjectAndChangeNothing() {
        ProcessResult refused = console.psql().command("RENAME KEY RANGE kr1 TO kr2");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("key range \"kr2\" already exists");
        assertThat(fields("SHOW key_ranges WHERE key_range_id = 'kr1'")).contains("kr1");

        refused = console.psql().command("ALTER DISTRIBUTION ds1 ALTER RELATION orders RENAME DISTRIBUTION COLUMN id TO x");
        assertThat(refused.stderr()).contains("column \"id\" is not in the distribution key of relation \"public.orders\"");
    }

    @Test
    void helpAnswersTheSyntax() {
        assertThat(output("HELP MOVE KEY RANGE")).containsExactly("MOVE KEY RANGE|MOVE KEY RANGE kr TO sh [META ONLY]");
        assertThat(output("HELP")).hasSizeGreaterThan(30).contains("RENAME KEY RANGE|RENAME KEY RANGE kr TO new");
    }

    private void assertSucceeds(String script) {
        ProcessResult result = console.psql().script(script);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    private List<String> output(String sql) {
        ProcessResult result = console.psql().command(sql);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        return result.stdout().lines().toList();
    }

    /** The fields of the one row the query returns, as psql -A prints them. */
    private List<String> fields(String sql) {
        List<String> lines = output(sql);
        assertThat(lines).as(sql).hasSize(1);
        return Arrays.asList(lines.getFirst().split("\\|", -1));
    }
}
