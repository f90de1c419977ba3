package dev.shardgate.router.session;

import dev.shardgate.router.copy.CopyCommand;
import dev.shardgate.router.route.Route;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Utility statements without a key that would run on several shards (ALLOW, no default shard, or
 * keys on several shards): EXPLAIN shows each shard's plan after a line naming the shard; COPY
 * (SELECT …) TO STDOUT sends each shard's rows in turn when that is the query's answer; DECLARE
 * CURSOR is refused, a cursor reading from one backend. The rest of this kind goes the usual way.
 */
final class UtilityOnShards {
    private static final Pattern EXPLAIN = Pattern.compile(
            "(?is)^\\s*explain\\s*(?:\\((?<options>[^)]*)\\))?\\s*(?<analyze>analy[sz]e\\b)?\\s*(?<verbose>verbose\\b)?\\s*(?<inner>\\w*)");

    private UtilityOnShards() {
    }

    /** Runs or refuses the statement when it is such a utility statement on several shards; false otherwise. */
    static boolean runIfUtility(ClientSession session, String sql, Analysis analysis, Route route) throws IOException {
        if (analysis == null || !analysis.isParsed() || analysis.statements().size() != 1) {
            return false;
        }
        Statement statement = analysis.statements().getFirst();
        boolean declare = statement.kind() == StatementKind.OTHER && TransactionRouter.firstKeyword(sql).equals("declare");
        if (statement.kind() != StatementKind.EXPLAIN && statement.kind() != StatementKind.COPY && !declare) {
            return false;
        }
        SortedSet<String> shards = session.router.multiShardTargets(route);
        if (shards == null || route instanceof Route.EveryShard) {
            return false;
        }
        if (declare) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "DECLARE CURSOR over several shards ("
                    + String.join(", ", shards) + ") is not supported: a cursor reads from one shard")
                    .withDetail(route.reason())
                    .withHint("Restrict the cursor's query to one sharding key, or run the query without a cursor.");
        }
        if (statement.kind() == StatementKind.EXPLAIN) {
            requireExplainable(sql);
            MultiShardStatements.runOnShards(session, shards, links -> explain(session, sql, links));
            return true;
        }
        CopyCommand.OfQuery copy = CopyCommand.parseQuery(sql);
        if (copy == null) {
            return false;
        }
        if (copy.toStdout() == null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY (query) TO a file or program over several shards ("
                    + String.join(", ", shards) + ") is not supported: use COPY (query) TO STDOUT");
        }
        if (copy.toStdout().format() == CopyCommand.Format.BINARY) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "binary COPY (query) TO STDOUT over several shards is not supported: use text or CSV format");
        }
        MultiShardStatements.requireConcatenable(session, copy.query());
        boolean header = copy.toStdout().header();
        MultiShardStatements.runOnShards(session, shards, links -> ShardedCopy.copyOut(session, sql, header, links));
        return true;
    }

    /**
     * Plans only, or EXPLAIN ANALYZE of a query that writes nothing: EXPLAIN ANALYZE runs the
     * statement, and a write without key must not run on shards that do not own its rows.
     */
    private static void requireExplainable(String sql) {
        Matcher m = EXPLAIN.matcher(sql);
        if (!m.find()) {
            return;
        }
        String options = m.group("options") == null ? "" : m.group("options").toLowerCase(Locale.ROOT);
        if (options.matches("(?s).*\\bformat\\s+(json|xml|yaml)\\b.*")) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "EXPLAIN over several shards answers in FORMAT TEXT only, each shard's plan after a line naming the shard");
        }
        boolean analyze = m.group("analyze") != null
                || options.matches("(?s)(.*,)?\\s*analy[sz]e\\s*(true|on|1)?\\s*(,.*)?");
        String inner = m.group("inner").toLowerCase(Locale.ROOT);
        if (analyze && !(inner.equals("select") || inner.equals("values") || inner.equals("table"))) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "EXPLAIN ANALYZE over several shards is supported for SELECT only: it runs the statement on every shard");
        }
    }

    /** Each shard's EXPLAIN in turn: a row {@code shard <name>:}, then its plan's rows; one EXPLAIN tag. */
    private static boolean explain(ClientSession session, String sql, Map<String, BackendLink> links) throws IOException {
        boolean succeeded = ShardedCopy.inTurn(session, sql, links, (shard, first, message) -> {
            switch (message) {
                case RowDescription description -> {
                    if (first) {
                        session.out.write(description);
                    }
                    session.out.write(DataRow.text("shard " + shard + ":"));
                }
                case DataRow row -> session.out.write(row);
                default -> { } // CommandComplete: the client gets one, after the last shard
            }
        });
        if (succeeded) {
            session.out.write(new CommandComplete("EXPLAIN"));
        }
        return true;
    }
}
