package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** COPY FROM STDIN and COPY TO STDOUT through the router in TRANSACTION mode, with pgjdbc's CopyManager. */
@RealPostgres(servers = 2)
@Timeout(60)
class CopyTest {
    private static final int ROWS = 10_000;

    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_copy");
        router = RunningRouter.start(RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, 2));
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void tenThousandRowsInThenOutUnchanged() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int id = 1; id <= ROWS; id++) {
            text.append(id).append('\t').append("row ").append(id).append(" ü\\t").append('\t').append(id * 7 % 1000).append('\n');
        }
        String sent = text.toString();
        try (Connection connection = router.connect(account)) {
            Sql.execute(connection, "CREATE TABLE copied(id int PRIMARY KEY, label text NOT NULL, weight int NOT NULL)");
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();

            long copiedIn = copy.copyIn("COPY copied FROM STDIN", new StringReader(sent));
            assertThat(copiedIn).isEqualTo(ROWS);
            // the connection goes on after COPY, on whatever backend the pool gives it
            assertThat(Sql.single(connection, "SELECT count(*) FROM copied")).isEqualTo(String.valueOf(ROWS));

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            long copiedOut = copy.copyOut("COPY (SELECT * FROM copied ORDER BY id) TO STDOUT", received);
            assertThat(copiedOut).isEqualTo(ROWS);
            String back = received.toString(StandardCharsets.UTF_8);
            assertThat(back.lines()).hasSize(ROWS);
            assertThat(sha256(back)).isEqualTo(sha256(sent));
        }
        assertThat(shard.psql(account.database(),
                "SELECT count(*) || ' ' || sum(id) || ' ' || sum(weight) || ' ' || bool_and(label = 'row ' || id || E' \\u00fc\\t') FROM copied"))
                .isEqualTo(ROWS + " " + ((long) ROWS * (ROWS + 1) / 2) + " " + expectedWeightSum() + " true");
    }

    @Test
    void badRowEndsTheCopyWithItsErrorAndTheConnectionGoesOn() throws Exception {
        try (Connection connection = router.connect(account)) {
            Sql.execute(connection, "CREATE TABLE strict_numbers(n int NOT NULL)");
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            SQLException error = Sql.assertFailsWith("22P02",
                    () -> copy.copyIn("COPY strict_numbers FROM STDIN", new StringReader("1\n2\nthree\n4\n")));
            assertThat(error.getMessage()).contains("invalid input syntax for type integer: \"three\"");
            assertThat(Sql.single(connection, "SELECT count(*) FROM strict_numbers")).isEqualTo("0");
            assertThat(copy.copyIn("COPY strict_numbers FROM STDIN", new StringReader("5\n6\n"))).isEqualTo(2);
            assertThat(Sql.single(connection, "SELECT sum(n) FROM strict_numbers")).isEqualTo("11");
        }
    }

    private static long expectedWeightSum() {
        long sum = 0;
        for (int id = 1; id <= ROWS; id++) {
            sum += id * 7 % 1000;
        }
        return sum;
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
