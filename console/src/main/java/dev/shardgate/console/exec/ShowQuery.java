package dev.shardgate.console.exec;

import dev.shardgate.console.ast.Show;
import dev.shardgate.meta.Metadata;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.function.Predicate;

/** A checked SHOW: its target exists and its WHERE names only the target's columns. */
record ShowQuery(ShowTarget target, Predicate<List<String>> filter, ShowShape shape) {

    /**
     * @throws PgException 42704 for an unknown target, 0A000 for a coordinator-only one, 42703 for a
     *         WHERE on a column the target does not have
     */
    static ShowQuery of(Show show) {
        ShowTarget target = ShowTarget.named(show.what()).orElseThrow(() -> unknownTarget(show.what()));
        Predicate<List<String>> filter = show.where()
                .map(where -> RowFilter.of(where, target.columns(), "SHOW " + target.consoleName()))
                .orElse(row -> true);
        ShowShape shape = ShowShape.of(show);
        shape.columns(target.columns()); // refuses unknown columns before anything runs
        return new ShowQuery(target, filter, shape);
    }

    /** The columns the answer has. */
    List<String> columns() {
        return shape.columns(target.columns());
    }

    ConsoleResult.Rows answer(Metadata metadata, RouterStatus status, Qdb qdb) {
        List<List<String>> rows = target.rows(metadata, status, qdb).stream().filter(filter).toList();
        return shape.apply(new ConsoleResult.Rows(target.columns(), rows));
    }

    private static PgException unknownTarget(String what) {
        return switch (what) {
            case "routers", "task_group", "task_groups", "move_tasks", "rebalance", "balancer" -> new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "SHOW " + what + " is only supported on the coordinator");
            default -> new PgException(SqlState.UNDEFINED_OBJECT,
                    "unknown SHOW target \"" + what + "\" (expected " + ShowTarget.names() + ")");
        };
    }
}
