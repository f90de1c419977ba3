package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.ShardgateProcess;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The router as an operator runs it, in a JVM of its own with its own log: a user name holding a
 * newline cannot forge a log line, and under a low descriptor limit the router lowers max_clients,
 * refuses the clients beyond it with 53300 instead of running out of descriptors (the accept loop
 * that spun at 5.4 million log lines in 20 s), and serves again once they leave.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class HostileClientsProcessTest {
    private static final String USER = "hostile_user";
    private static final String DATABASE = "hostile_db";
    private static final String FORGED = "2026-12-07T00:00:00.000Z INFO  ClientSession event=client_connected client=1 user=admin db=hostile_db";

    @Test
    void aUserNameWithANewlineStaysOnTheLineOfItsEvent(PostgresServers servers) throws Exception {
        LocalPostgres shard = prepare(servers);
        int port = ShardgateProcess.freePort();
        try (ShardgateProcess router = launch(servers, port, List.of(), "")) {
            String user = "x\n" + FORGED;
            SQLException refused = Sql.assertFailsWith("28P01", () -> DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, user, "whatever").close());
            assertThat(refused.getMessage()).contains("password authentication failed");
            awaitLogLine(router, "event=client_rejected");

            List<String> lines = router.logText().lines().toList();
            assertThat(lines).noneMatch(line -> line.startsWith("2026-12-07T00:00:00.000Z"));
            assertThat(lines).anySatisfy(line -> assertThat(line)
                    .contains("event=client_unknown_user").contains("user=x\\n" + FORGED));
        }
        assertThat(shard.isRunning()).isTrue();
    }

    @Test
    void underALowDescriptorLimitClientsBeyondMaxClientsAreRefusedAndServedAgainLater(PostgresServers servers) throws Exception {
        prepare(servers);
        int port = ShardgateProcess.freePort();
        // 700 descriptors: max_clients is lowered to (700 - 256) / 2 = 222; the JVM run from the test's
        // classpath keeps some 250 jars and sockets open, so 222 clients and the refusals still fit
        try (ShardgateProcess router = launch(servers, port, List.of("prlimit", "--nofile=700:700", "--"), "auth_timeout: 30s")) {
            assertThat(router.logText()).contains("event=max_clients_lowered max_clients=5000 now=222 descriptor_limit=700");
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 222; i++) { // connected, logging in, holding their slots
                    idle.add(new Socket("127.0.0.1", port));
                }
                List<String> refusals = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    refusals.add(refusal(port));
                }
                assertThat(refusals).as("what 40 clients beyond max_clients were told").allMatch(answer ->
                        answer.equals("53300 sorry, too many clients already") || answer.equals("closed"));
                assertThat(refusals).contains("53300 sorry, too many clients already");
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) { // the idle clients' slots come back once the router has seen them go
                try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE,
                        USER, "unused")) {
                    assertThat(Jdbc.number(connection, "SELECT 7")).isEqualTo(7);
                    break;
                } catch (SQLException e) {
                    if (!"53300".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            assertThat(router.logText()).doesNotContain("event=accept_failed").doesNotContain("Too many open files");
        }
    }

    /**
     * Sends a startup packet and returns "SQLSTATE message" of the answer, "closed", or "silence" after 10 s (the
     * answer comes at once on a quiet machine; a CI machine under load once needed more than 3 s).
     */
    private static String refusal(int port) throws Exception {
        try (RawClient client = new RawClient(port)) {
            byte[] fields = ("user\0" + USER + "\0database\0" + DATABASE + "\0\0").getBytes(StandardCharsets.UTF_8);
            client.send(ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(196608).put(fields).array());
            RawClient.Answer answer = client.errorOrEnd(Duration.ofSeconds(3));
            return switch (answer) {
                case RawClient.Error error -> error.sqlState() + " " + error.fields().get('M');
                case RawClient.Silence silence -> "silence";
                default -> "closed";
            };
        } catch (java.io.IOException e) {
            return "closed";
        }
    }

    private static LocalPostgres prepare(PostgresServers servers) {
        LocalPostgres shard = servers.get(0);
        if (!shard.psql("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + USER + "'").equals("1")) {
            shard.createUser(USER, "unused");
            shard.createDatabase(DATABASE, USER);
        }
        return shard;
    }

    private static ShardgateProcess launch(PostgresServers servers, int port, List<String> launcher, String extraKeys)
            throws Exception {
        Path directory = Files.createTempDirectory("hostile-router");
        String yaml = ShardgateProcess.trustingRouterYaml(port, DATABASE, USER, extraKeys, servers.routerShardsYaml());
        ShardgateProcess router = ShardgateProcess.prepare("router", directory, "router", yaml, port, List.of("-Xmx256m"))
                .withLauncher(launcher);
        router.start();
        return router;
    }

    private static void awaitLogLine(ShardgateProcess router, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!router.logText().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }
}
