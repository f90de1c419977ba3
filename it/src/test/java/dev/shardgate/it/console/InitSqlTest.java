package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.ConfigException;
import dev.shardgate.router.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** init_sql named in a router.yaml: console commands run at start, and a bad file stops the start. */
class InitSqlTest {
    @TempDir
    Path dir;

    @Test
    void theInitFileGivesTheRouterItsMetadataAtStart() throws Exception {
        RouterConfig config = RouterConfig.load(configFile("init_sql: init_ok.sql", "init_ok.sql"));
        assertThat(config.initSqlFile()).isEqualTo(dir.resolve("init_ok.sql"));

        try (RouterServer router = RouterServer.start(config)) {
            AdminConsole console = AdminConsole.of(router, "admin", null);
            ProcessResult keyRanges = console.psql().command("SHOW key_ranges");
            assertThat(keyRanges.exitCode()).as(keyRanges.stderr()).isZero();
            assertThat(keyRanges.stdout()).isEqualTo("""
                    krid1|sh1|ds1|0|false
                    krid2|sh2|ds1|1000|false
                    """);
            try (Connection connection = console.connect()) {
                assertThat(AdminConsole.rows(connection, "SHOW relations")).containsExactly(
                        List.of("relation_name", "distribution_id", "distribution_key", "schema_name"),
                        List.of("accounts", "ds1", "id", "public"));
                assertThat(AdminConsole.rows(connection, "SHOW reference_relations")).containsExactly(
                        List.of("table_name", "shards", "schema_name"),
                        List.of("currencies", "sh1, sh2", "public"));
            }
        }
    }

    @Test
    void anInitFileNamingAMissingShardStopsTheStartAndLeavesNothingBehind() throws Exception {
        Path yaml = configFile("init_sql: init_unknown_shard.sql\nqdb_file: qdb.yaml", "init_unknown_shard.sql");
        RouterConfig config = RouterConfig.load(yaml);

        assertThatThrownBy(() -> RouterServer.start(config).close())
                .hasMessageContaining(dir.resolve("init_unknown_shard.sql").toString())
                .hasMessageContaining("shard \"sh9\" does not exist");

        // The init file is one batch: its first two statements are not in the QDB either. The failed
        // start also released the QDB file, or this router could not open it.
        RouterConfig withoutInit = RouterConfig.load(configFile("qdb_file: qdb.yaml", null));
        try (RouterServer router = RouterServer.start(withoutInit)) {
            AdminConsole console = AdminConsole.of(router, "admin", null);
            ProcessResult shown = console.psql().command("SHOW distributions");
            assertThat(shown.exitCode()).as(shown.stderr()).isZero();
            assertThat(shown.stdout()).isEmpty();
        }
    }

    @Test
    void anInitFileWithASyntaxErrorStopsTheStartNamingFileAndPlace() throws Exception {
        RouterConfig config = RouterConfig.load(configFile("init_sql: init_syntax_error.sql", "init_syntax_error.sql"));
        int position = Resources.text("init_syntax_error.sql").indexOf("ROTE") + 1;

        assertThatThrownBy(() -> RouterServer.start(config).close())
                .hasMessageContaining(dir.resolve("init_syntax_error.sql").toString())
                .hasMessageContaining("syntax error at or near \"ROTE\"")
                .hasMessageContaining("(at character " + position + ")");
    }

    @Test
    void aMissingInitFileIsAConfigErrorNamingTheKey() throws IOException {
        Path yaml = configFile("init_sql: nowhere.sql", null);

        assertThatThrownBy(() -> RouterConfig.load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(yaml.toString())
                .hasMessageContaining("init_sql")
                .hasMessageContaining("nowhere.sql");
    }

    /** The shared router.yaml with extra top-level lines, and the named init file beside it. */
    private Path configFile(String extraLines, String initFile) throws IOException {
        if (initFile != null) {
            Resources.copy(initFile, dir);
        }
        return Files.writeString(dir.resolve("router.yaml"), Resources.text("router.yaml") + extraLines + "\n");
    }
}
