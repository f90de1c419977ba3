package dev.shardgate.it.router;

import java.io.EOFException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;

/**
 * The soak's clients besides pgbench: pgjdbc clients running short transactions on one shard's keys,
 * and clients that die holding a backend, in every way of {@link DyingClient.Death}, on either shard.
 * Every error a client sees must be an ErrorResponse (pgjdbc: a PSQLException with the server's
 * message); anything else is a violation in the log.
 */
record SoakClients(RunningRouter router, Account account, SoakLog log) {
    private static final Pattern SQLSTATE = Pattern.compile("(?:^| )C([0-9A-Z]{5}) |(?:ERROR|FATAL):\\s+([0-9A-Z]{5}):");

    /** A shard's name and the keys of its rows; {@code freeKey} has no row. */
    record Keys(String shard, int first, int last, int freeKey) {
        int random() {
            return ThreadLocalRandom.current().nextInt(first, last + 1);
        }
    }

    /** Transactions on the shard's keys until {@code until}; after an error, a new connection. */
    void transact(Keys keys, Instant until) throws InterruptedException {
        Connection connection = null;
        while (Instant.now().isBefore(until)) {
            try {
                if (connection == null) {
                    connection = router.connect(account);
                    connection.setAutoCommit(false);
                }
                try (PreparedStatement update = connection.prepareStatement("UPDATE soak SET v = v + 1 WHERE id = ?")) {
                    update.setInt(1, keys.random());
                    update.executeUpdate();
                }
                connection.commit();
                log.count("pgjdbc " + keys.shard() + ": committed");
                Thread.sleep(10); // a client, not a benchmark: the soak's two cores are shared
            } catch (SQLException e) {
                judge("pgjdbc " + keys.shard(), e);
                close(connection);
                connection = null;
                Thread.sleep(200);
            }
        }
        close(connection);
    }

    /** Clients dying one after another, every way in turn, on the shards in turn, until {@code until}. */
    void die(Instant until, Keys... shards) throws InterruptedException {
        DyingClient.Death[] deaths = DyingClient.Death.values();
        for (int round = 0; Instant.now().isBefore(until); round++) {
            DyingClient.Death death = deaths[round % deaths.length];
            Keys keys = shards[(round / deaths.length) % shards.length];
            String what = "death " + death + " " + keys.shard();
            try {
                new DyingClient(router.port(), account, "soak", keys.random(), keys.freeKey()).die(death);
                log.count(what + ": died");
            } catch (DyingClient.Refused e) {
                log.count(what + ": refused with ErrorResponse " + sqlState(e.getMessage()));
            } catch (EOFException | AssertionError e) {
                log.violation(what + ": " + e.getMessage());
            } catch (IOException e) {
                log.violation(what + ": " + e);
            }
            Thread.sleep(250);
        }
    }

    private void judge(String who, SQLException e) {
        if (e instanceof PSQLException server && server.getServerErrorMessage() != null) {
            log.count(who + ": ErrorResponse " + e.getSQLState());
        } else {
            log.violation(who + ": an error without ErrorResponse: " + e);
        }
    }

    /**
     * The SQLSTATE of a {@link DyingClient.Refused} message: the C field of a raw ErrorResponse
     * ("… C08001 …"), or psql's verbose "ERROR:  08001: …".
     */
    private static String sqlState(String message) {
        Matcher code = SQLSTATE.matcher(message);
        return code.find() ? (code.group(1) != null ? code.group(1) : code.group(2)) : "?";
    }

    private static void close(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // the connection is gone either way
        }
    }
}
