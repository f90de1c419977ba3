package dev.shardgate.it.differential;

import dev.shardgate.it.harness.Jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * After writes: the rows the shards hold, read directly, must be the oracle's rows; every row of a
 * distributed table must lie in a key range of its shard; every shard must hold the oracle's
 * reference table; and (under ALLOW, where a keyless SELECT runs everywhere) the router's SELECT of a
 * whole table must give the oracle's rows.
 */
final class StateCheck {
    private static final List<String> DISTRIBUTED = List.of("t1", "t2");
    private static final String ALL_TABLES = "t1, t2, ref";

    private StateCheck() {
    }

    /** What differs, one line each; empty when the states agree. */
    static List<String> differences(DifferentialCluster cluster, boolean readThroughRouter) throws SQLException {
        List<String> problems = new ArrayList<>();
        Connection oracle = cluster.oracle(Protocol.SIMPLE);
        for (String table : ALL_TABLES.split(", ")) {
            List<String> expected = sorted(Jdbc.rows(oracle, "SELECT * FROM " + table));
            if (DISTRIBUTED.contains(table)) {
                List<String> union = new ArrayList<>();
                for (int shard = 0; shard < Dataset.SHARDS; shard++) {
                    Connection connection = cluster.shard(shard);
                    union.addAll(Jdbc.rows(connection, "SELECT * FROM " + table));
                    for (String misplaced : Jdbc.rows(connection, "SELECT * FROM " + table + " WHERE NOT " + Dataset.holds(shard, "id"))) {
                        problems.add("misplaced row on sh" + (shard + 1) + " in " + table + ": " + misplaced);
                    }
                }
                compare(problems, table + " on the shards together", sorted(union), expected);
            } else {
                for (int shard = 0; shard < Dataset.SHARDS; shard++) {
                    compare(problems, table + " on sh" + (shard + 1), sorted(Jdbc.rows(cluster.shard(shard), "SELECT * FROM " + table)), expected);
                }
            }
            if (readThroughRouter) {
                Answer answer = Execution.run(cluster.router(Protocol.SIMPLE), Step.read(Feature.KEYLESS_SCAN, "SELECT * FROM " + table, Shape.UNORDERED));
                switch (answer) {
                    case Answer.Rows rows -> compare(problems, table + " read through the router",
                            sorted(rows.rows().stream().map(row -> String.join("|", row.stream().map(String::valueOf).toList())).toList()),
                            sorted(Jdbc.rows(oracle, "SELECT * FROM " + table)));
                    case Answer.Failure failure when failure.isRefusal() -> {
                    }
                    default -> problems.add(table + " read through the router: " + answer);
                }
            }
        }
        return problems;
    }

    private static void compare(List<String> problems, String what, List<String> actual, List<String> expected) {
        if (actual.equals(expected)) {
            return;
        }
        List<String> missing = new ArrayList<>(expected);
        actual.forEach(missing::remove);
        List<String> extra = new ArrayList<>(actual);
        expected.forEach(extra::remove);
        problems.add(what + " differ from the oracle: missing " + limit(missing) + ", extra " + limit(extra));
    }

    private static List<String> limit(List<String> rows) {
        return rows.size() <= 5 ? rows : rows.subList(0, 5);
    }

    private static List<String> sorted(List<String> rows) {
        List<String> copy = new ArrayList<>(rows);
        copy.sort(null);
        return copy;
    }
}
