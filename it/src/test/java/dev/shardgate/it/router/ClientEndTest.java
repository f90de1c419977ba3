package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * However a client's connection ends — after half a message, shut down or closed, in the middle of a
 * transaction — the router sees the end, its socket closes, and the client's backend leaves its
 * transaction and returns to the pool: no backend stays {@code idle in transaction} with its locks
 * for a client that is gone. On the event loops and without them.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class ClientEndTest {
    private static final int BACKENDS = 2;

    /** How a client goes away while its transaction holds a backend. */
    enum Death {
        HALF_MESSAGE_THEN_SHUTDOWN, HALF_MESSAGE_THEN_CLOSE, HALF_HEADER_THEN_SHUTDOWN, IN_TRANSACTION_SHUTDOWN, IN_TRANSACTION_CLOSE,
        /** In COPY FROM STDIN, after half a row. */
        MID_COPY_THEN_CLOSE,
        /** COMMIT sent, the connection closed before its answer was read. */
        COMMIT_THEN_CLOSE,
        /** Parse, Bind and Execute sent without their Sync. */
        MID_EXTENDED_SEGMENT_THEN_CLOSE
    }

    @ParameterizedTest(name = "event_loops: {0}")
    @ValueSource(ints = {0, 2})
    void everyWayOfDyingFreesTheBackend(int eventLoops, PostgresServers servers) throws Exception {
        LocalPostgres shard = servers.get(0);
        Account account = Account.create(shard, "rt_client_end_" + eventLoops);
        var config = RunningRouter.trusting(RunningRouter.configFor(shard).eventLoops(eventLoops), account, BACKENDS);
        try (RunningRouter router = RunningRouter.start(config)) {
            try (Connection setup = router.connect(account)) {
                Sql.execute(setup, "CREATE TABLE t (id int PRIMARY KEY, v int)");
                Sql.execute(setup, "INSERT INTO t VALUES (1, 0)");
            }
            for (Death death : Death.values()) {
                // more deaths than backends: a leaked backend would exhaust the pool
                for (int round = 0; round < BACKENDS + 1; round++) {
                    dieWhileHoldingABackend(router, account, death);
                    awaitNoTransactionLeftOn(shard, account, death);
                }
                try (Connection a = router.connect(account); Connection b = router.connect(account)) {
                    a.setAutoCommit(false);
                    b.setAutoCommit(false);
                    Sql.execute(a, "UPDATE t SET v = v + 1 WHERE id = 1");
                    assertThat(Sql.single(b, "SELECT count(*) FROM t")).as("the pool is whole after " + death).isEqualTo("1");
                    a.commit();
                    b.commit();
                }
            }
        }
    }

    private static void dieWhileHoldingABackend(RunningRouter router, Account account, Death death) throws IOException {
        try (Socket socket = new Socket(RunningRouter.HOST, router.port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            out.write(RawClient.startup(account));
            readUntilReady(socket);
            out.write(RawClient.query("BEGIN; UPDATE t SET v = v + 1 WHERE id = 1"));
            readUntilReady(socket);
            byte[] next = RawClient.query("SELECT 'the rest of a message that never comes'");
            switch (death) {
                case HALF_MESSAGE_THEN_SHUTDOWN, HALF_MESSAGE_THEN_CLOSE -> out.write(Arrays.copyOf(next, next.length / 2));
                case HALF_HEADER_THEN_SHUTDOWN -> out.write(Arrays.copyOf(next, 3));
                case IN_TRANSACTION_SHUTDOWN, IN_TRANSACTION_CLOSE -> { }
                case MID_COPY_THEN_CLOSE -> {
                    out.write(RawClient.query("COPY t FROM STDIN"));
                    readUntil(socket, 'G');
                    out.write(message('d', "2\t0\n3\t".getBytes(StandardCharsets.UTF_8)));
                }
                case COMMIT_THEN_CLOSE -> out.write(RawClient.query("COMMIT"));
                case MID_EXTENDED_SEGMENT_THEN_CLOSE -> {
                    out.write(message('P', cstrings("", "UPDATE t SET v = v + 1 WHERE id = 1"), new byte[2]));
                    out.write(message('B', cstrings("", ""), new byte[6]));
                    out.write(message('E', cstrings(""), new byte[4]));
                }
            }
            out.flush();
            if (death != Death.HALF_MESSAGE_THEN_SHUTDOWN && death != Death.HALF_HEADER_THEN_SHUTDOWN
                    && death != Death.IN_TRANSACTION_SHUTDOWN) {
                return; // try-with-resources closes the socket
            }
            socket.shutdownOutput();
            // the router must see the end and close its side: no socket left in CLOSE-WAIT
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            int read = 0;
            while (read >= 0 && System.nanoTime() < deadline) {
                read = socket.getInputStream().read(new byte[256]);
            }
            assertThat(read).as("the router closes a connection whose client ended it (" + death + ")").isEqualTo(-1);
        }
    }

    /** Polls the shard until no backend of the account is in a transaction (10 s at most). */
    private static void awaitNoTransactionLeftOn(LocalPostgres shard, Account account, Death death) throws InterruptedException {
        String sql = "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + account.user()
                + "' AND state LIKE 'idle in transaction%'";
        String count = "";
        for (int i = 0; i < 100; i++) {
            count = shard.psql("postgres", sql).trim();
            if (count.equals("0")) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(count).as("backends idle in transaction after a client died: " + death).isEqualTo("0");
    }

    /** A protocol message: type, length, then the parts. */
    private static byte[] message(char type, byte[]... parts) {
        int length = 4;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(1 + length).put((byte) type).putInt(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }

    private static byte[] cstrings(String... values) {
        StringBuilder all = new StringBuilder();
        for (String value : values) {
            all.append(value).append('\0');
        }
        return all.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads whole messages until one of {@code type}. */
    private static void readUntil(Socket socket, char type) throws IOException {
        var in = new java.io.DataInputStream(socket.getInputStream());
        while (true) {
            int read = in.read();
            if (read < 0) {
                throw new java.io.EOFException("the router closed the connection");
            }
            in.readFully(new byte[in.readInt() - 4]);
            if (read == type) {
                return;
            }
        }
    }

    private static void readUntilReady(Socket socket) throws IOException {
        var in = new java.io.DataInputStream(socket.getInputStream());
        while (true) {
            int type = in.read();
            if (type < 0) {
                throw new java.io.EOFException("the router closed the connection");
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == 'E') {
                throw new IllegalStateException("error: " + new String(body, StandardCharsets.UTF_8));
            }
            if (type == 'Z') {
                return;
            }
        }
    }
}
