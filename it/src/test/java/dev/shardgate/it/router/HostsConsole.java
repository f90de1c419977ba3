package dev.shardgate.it.router;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** SHOW hosts on a running router's console, row by row as column → value. */
final class HostsConsole {
    private HostsConsole() {
    }

    static List<Map<String, String>> show(RunningRouter router, String user) throws SQLException {
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=" + user + "&preferQueryMode=simple");
             Statement statement = console.createStatement();
             ResultSet rows = statement.executeQuery("SHOW hosts")) {
            List<Map<String, String>> all = new ArrayList<>();
            while (rows.next()) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                    row.put(rows.getMetaData().getColumnName(i), rows.getString(i));
                }
                all.add(row);
            }
            return all;
        }
    }

    /** Runs console statements, e.g. CREATE SHARD or ALTER SHARD. */
    static void execute(RunningRouter router, String user, String statements) throws SQLException {
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://" + RunningRouter.HOST + ":"
                + router.consolePort() + "/spqr-console?user=" + user + "&preferQueryMode=simple");
             Statement statement = console.createStatement()) {
            statement.execute(statements);
        }
    }

    /** The row of {@code host} ("host:port"). */
    static Map<String, String> row(RunningRouter router, String user, String host) throws SQLException {
        return show(router, user).stream().filter(r -> host.equals(r.get("host"))).findFirst()
                .orElseThrow(() -> new AssertionError("SHOW hosts has no row for " + host));
    }

    /** Polls SHOW hosts until {@code host}'s row satisfies {@code wanted}, for at most {@code seconds}. */
    static Map<String, String> await(RunningRouter router, String user, String host, Predicate<Map<String, String>> wanted,
                                     int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Map<String, String> row = row(router, user, host);
        while (!wanted.test(row)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("SHOW hosts row of " + host + " after " + seconds + " s: " + row);
            }
            Thread.sleep(50);
            row = row(router, user, host);
        }
        return row;
    }
}
