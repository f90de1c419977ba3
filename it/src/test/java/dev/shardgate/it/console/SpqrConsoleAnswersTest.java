package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.RouterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script written for SPQR's console, run by psql against a router's port with
 * dbname=spqr-console: every answer prints as SPQR's does, line by line (the tables of SPQR's
 * regression tests, test/regress/tests/console), and SHOW takes SPQR's clauses.
 */
class SpqrConsoleAnswersTest {
    @TempDir
    Path dir;

    @Test
    void metadataStatementsAnswerSpqrsTablesAndShowTakesItsClauses() throws Exception {
        Path yaml = Files.writeString(dir.resolve("router.yaml"), Resources.text("router.yaml"));
        try (RouterServer router = RouterServer.start(RouterConfig.load(yaml))) {
            Psql psql = new Psql("127.0.0.1", router.port(), "admin", null, "spqr-console");
            ProcessResult result = psql.aligned("""
                    CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                    CREATE KEY RANGE krid2 FROM 11 ROUTE TO sh2 FOR DISTRIBUTION ds1;
                    CREATE KEY RANGE krid1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
                    ALTER DISTRIBUTION ds1 ATTACH RELATION test DISTRIBUTION KEY id;
                    LOCK KEY RANGE krid1;
                    UNLOCK KEY RANGE krid1;
                    SPLIT KEY RANGE krid3 FROM krid1 BY 5;
                    SHOW key_ranges(key_range_id, shard_id, distribution_id, lower_bound, locked) ORDER BY lower_bound;
                    SHOW key_ranges GROUP BY shard_id;
                    UNITE KEY RANGE krid1 WITH krid3;
                    DROP DISTRIBUTION ALL CASCADE;
                    """);
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.stdout().lines()).containsExactly(
                    "    add distribution    ",
                    "------------------------",
                    " distribution id -> ds1",
                    "(1 row)",
                    "",
                    " add key range ",
                    "---------------",
                    " bound -> 11",
                    "(1 row)",
                    "",
                    " add key range ",
                    "---------------",
                    " bound -> 0",
                    "(1 row)",
                    "",
                    "      attach table       ",
                    "-------------------------",
                    " relation name   -> test",
                    " distribution id -> ds1",
                    "(2 rows)",
                    "",
                    "    lock key range     ",
                    "-----------------------",
                    " key range id -> krid1",
                    "(1 row)",
                    "",
                    "   unlock key range    ",
                    "-----------------------",
                    " key range id -> krid1",
                    "(1 row)",
                    "",
                    "    split key range    ",
                    "-----------------------",
                    " key range id -> krid3",
                    " bound        -> 5",
                    "(2 rows)",
                    "",
                    " key_range_id | shard_id | distribution_id | lower_bound | locked ",
                    "--------------+----------+-----------------+-------------+--------",
                    " krid1        | sh1      | ds1             | 0           | false",
                    " krid3        | sh1      | ds1             | 5           | false",
                    " krid2        | sh2      | ds1             | 11          | false",
                    "(3 rows)",
                    "",
                    " shard_id | count ",
                    "----------+-------",
                    " sh1      | 2",
                    " sh2      | 1",
                    "(2 rows)",
                    "",
                    "           merge key ranges           ",
                    "--------------------------------------",
                    " merge key range \"krid3\" into \"krid1\"",
                    "(1 row)",
                    "",
                    "   drop distribution    ",
                    "------------------------",
                    " distribution id -> ds1",
                    "(1 row)",
                    "");
        }
    }
}
