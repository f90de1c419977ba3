package dev.shardgate.console.exec;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Locale;

/** HELP's answer: the console's statements with their syntax; docs/console.md says what each does. */
final class HelpText {
    static final List<String> COLUMNS = List.of("command", "syntax");

    private record Entry(String command, String syntax) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry("CREATE DISTRIBUTION", "CREATE DISTRIBUTION ds COLUMN TYPES type [HASH] [, …] [DEFAULT SHARD sh]"),
            new Entry("DROP DISTRIBUTION", "DROP DISTRIBUTION {ds | ALL} [CASCADE]"),
            new Entry("ALTER DISTRIBUTION ATTACH RELATION",
                    "ALTER DISTRIBUTION ds ATTACH RELATION r DISTRIBUTION KEY col [HASH FUNCTION h] [, …] [AUTO INCREMENT col [, …] [START n]]"),
            new Entry("ALTER DISTRIBUTION DETACH RELATION", "ALTER DISTRIBUTION ds DETACH RELATION r"),
            new Entry("ALTER DISTRIBUTION ALTER RELATION",
                    "ALTER DISTRIBUTION ds ALTER RELATION r {DISTRIBUTION KEY col [HASH FUNCTION h] [, …] | RENAME DISTRIBUTION COLUMN old TO new | SCHEMA s}"),
            new Entry("ALTER DISTRIBUTION ADD DEFAULT SHARD", "ALTER DISTRIBUTION ds ADD DEFAULT SHARD sh"),
            new Entry("ALTER DISTRIBUTION DROP DEFAULT SHARD", "ALTER DISTRIBUTION ds DROP DEFAULT SHARD"),
            new Entry("CREATE RELATION", "CREATE [DISTRIBUTED] RELATION r (col [HASH FUNCTION h], …) [AUTO INCREMENT …] [IN ds]"),
            new Entry("DROP SEQUENCE", "DROP SEQUENCE [schema.]relation_column"),
            new Entry("CREATE REFERENCE TABLE", "CREATE REFERENCE TABLE r [ON sh [, …]]"),
            new Entry("DROP REFERENCE TABLE", "DROP REFERENCE TABLE r"),
            new Entry("SYNC REFERENCE TABLES", "SYNC REFERENCE {TABLES | TABLE r} ON sh"),
            new Entry("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX id ON r COLUMNS (col type [, …])"),
            new Entry("DROP UNIQUE INDEX", "DROP UNIQUE INDEX id"),
            new Entry("CREATE KEY RANGE", "CREATE KEY RANGE [kr] FROM bound [, …] ROUTE TO sh [FOR DISTRIBUTION ds]"),
            new Entry("CREATE KEY RANGES", "CREATE KEY RANGES n FOR DISTRIBUTION ds [FROM low TO high] ROUTE TO sh [, …]; CREATE KEY RANGES FOR DISTRIBUTION ds [BETWEEN low AND high] [USING ALL SHARDS | USING SHARDS sh [, …]]"),
            new Entry("DROP KEY RANGE", "DROP KEY RANGE {kr | ALL}"),
            new Entry("SPLIT KEY RANGE", "SPLIT KEY RANGE new FROM kr BY bound"),
            new Entry("UNITE KEY RANGE", "UNITE KEY RANGE kr WITH other"),
            new Entry("LOCK KEY RANGE", "LOCK KEY RANGE kr"),
            new Entry("UNLOCK KEY RANGE", "UNLOCK KEY RANGE kr"),
            new Entry("RENAME KEY RANGE", "RENAME KEY RANGE kr TO new"),
            new Entry("MOVE KEY RANGE", "MOVE KEY RANGE kr TO sh [META ONLY]"),
            new Entry("REDISTRIBUTE KEY RANGE", "REDISTRIBUTE KEY RANGE kr TO sh [BATCH SIZE n] [TASK GROUP tg] [CHECK | APPLY] [NOWAIT]"),
            new Entry("CHECK DISTRIBUTION", "CHECK DISTRIBUTION ds"),
            new Entry("REBALANCE DISTRIBUTION", "REBALANCE DISTRIBUTION ds [BY ROWS | BY BYTES] [THRESHOLD pct] [DRY RUN]"),
            new Entry("CREATE SHARD", "CREATE SHARD sh {WITH HOSTS 'h:p' [, …] | OPTIONS (HOST 'h:p' [, …])}"),
            new Entry("DROP SHARD", "DROP SHARD sh"),
            new Entry("DRAIN SHARD", "DRAIN SHARD sh [TO sh [, …]] [BATCH SIZE n]"),
            new Entry("ALTER SHARD", "ALTER SHARD sh {ADD | DROP} HOST 'h:p' [, …]"),
            new Entry("ALTER SHARD OPTIONS", "ALTER SHARD sh OPTIONS ([ADD | DROP | SET] HOST 'h:p' [, …])"),
            new Entry("FAILOVER SHARD", "FAILOVER SHARD sh [TO 'h:p'] [FORCE]"),
            new Entry("SWITCHOVER SHARD", "SWITCHOVER SHARD sh [TO 'h:p']"),
            new Entry("SHOW", "SHOW target [WHERE column {= | <>} value [AND | OR …]]"),
            new Entry("REGISTER ROUTER", "REGISTER ROUTER r ADDRESS 'host:port'"),
            new Entry("UNREGISTER ROUTER", "UNREGISTER ROUTER {r | ALL}"),
            new Entry("STOP TASK GROUP", "STOP TASK GROUP {tg | ALL} [IMMEDIATE]"),
            new Entry("RETRY TASK GROUP", "RETRY TASK GROUP {tg | ALL}"),
            new Entry("KILL CLIENT", "KILL CLIENT id"),
            new Entry("PAUSE", "PAUSE [SHARD sh]"),
            new Entry("RESUME", "RESUME [SHARD sh]"),
            new Entry("RECOVER TWO PHASE", "RECOVER TWO PHASE"),
            new Entry("RELOAD", "RELOAD"),
            new Entry("SET", "SET name {= | TO} value"),
            new Entry("HELP", "HELP [command]"));

    private HelpText() {
    }

    /** Every statement, or those whose command starts with the words (HELP ALTER DISTRIBUTION). */
    static ConsoleResult answer(List<String> words) {
        String prefix = String.join(" ", words).toUpperCase(Locale.ROOT);
        List<List<String>> rows = ENTRIES.stream()
                .filter(entry -> prefix.isEmpty() || entry.command().equals(prefix) || entry.command().startsWith(prefix + " "))
                .map(entry -> List.of(entry.command(), entry.syntax()))
                .toList();
        if (rows.isEmpty()) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "no help for \"" + String.join(" ", words) + "\"")
                    .withHint("HELP alone lists every command.");
        }
        return new ConsoleResult.Rows(COLUMNS, rows);
    }
}
