package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.TargetSessionAttrs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.PGConnection;
import org.slf4j.LoggerFactory;

/**
 * target_session_attrs through a real router: SHOW, SET and RESET of
 * __spqr__target_session_attrs, its startup forms, the frontend rule's value, bad values (22023),
 * the attrs each transaction hands to the pool, and smart-read-write's refusal of a write after a
 * read (25006), over the simple and the extended protocol.
 */
@RealPostgres(servers = 1)
@Timeout(120)
class TargetSessionAttrsTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(10);
    /** The line the session logs at DEBUG for every backend it takes, with the attrs it hands the pool. */
    private static final Pattern TAKEN = Pattern.compile("event=backend_taken client=(\\d+) shard=\\S+ target_session_attrs=(\\S+)");

    private static RunningRouter router;
    private static Account plain;
    private static Account smart;
    private static final ListAppender<ILoggingEvent> taken = new ListAppender<>();
    private static final Logger intentLog = (Logger) LoggerFactory.getLogger("dev.shardgate.router.session.HostIntent");

    @BeforeAll
    static void start(PostgresServers servers) throws SQLException {
        LocalPostgres shard = servers.get(0);
        plain = Account.create(shard, "rt_tsa");
        smart = plain.withUser(shard, "rt_tsa_smart");
        var config = RunningRouter.trusting(RunningRouter.configFor(shard), plain, 4)
                .frontendRule(RunningRouter.frontend(smart, PoolMode.TRANSACTION, AuthRule.ok())
                        .withTargetSessionAttrs(TargetSessionAttrs.SMART_READ_WRITE))
                .backendRule(RunningRouter.backend(smart, 4, AuthRule.ok()));
        router = RunningRouter.start(config);
        try (Connection c = router.connect(plain)) {
            Sql.execute(c, "CREATE TABLE accounts (id int PRIMARY KEY, balance int)");
            Sql.execute(c, "INSERT INTO accounts VALUES (1, 100)");
        }
        taken.start();
        intentLog.addAppender(taken);
        intentLog.setLevel(Level.DEBUG);
    }

    @AfterAll
    static void stop() {
        intentLog.detachAppender(taken);
        intentLog.setLevel(null);
        if (router != null) {
            router.close();
        }
    }

    @Test
    void showAnswersTheRulesValueThenSetThenResetReturnsToIt() throws SQLException {
        try (Connection c = router.connect(plain)) {
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("read-write");
            Sql.execute(c, "SET __spqr__target_session_attrs = 'prefer-standby'");
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("prefer-standby");
            Sql.execute(c, "SET __spqr__target_session_attrs TO smart_read_write");
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("smart-read-write");
            Sql.execute(c, "RESET __spqr__target_session_attrs");
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("read-write");
        }
        try (Connection c = router.connect(smart)) {
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("smart-read-write");
        }
    }

    @Test
    void startupOptionsAndTheStartupParameterSetTheSessionsValueWhichResetReturnsTo() throws Exception {
        try (Connection c = router.connect(plain, Map.of("options", "-c __spqr__target_session_attrs=read-only"))) {
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("read-only");
            Sql.execute(c, "SET __spqr__target_session_attrs = 'any'");
            Sql.execute(c, "RESET __spqr__target_session_attrs");
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("read-only");
        }
        try (RawClient client = new RawClient(router.port())) {
            client.send(RawClient.startup(plain, Map.of("target_session_attrs", "prefer-standby")));
            assertThat(client.readUntilReady(PROMPTLY)).isTrue();
            client.send(RawClient.query("SHOW __spqr__target_session_attrs"));
            assertThat(client.firstValue(PROMPTLY)).isEqualTo("prefer-standby");
        }
    }

    @Test
    void badValuesAre22023NamingTheAllowedValues() throws Exception {
        try (Connection c = router.connect(plain)) {
            SQLException error = Sql.assertFailsWith("22023", () -> Sql.execute(c, "SET __spqr__target_session_attrs = 'master'"));
            assertThat(error.getMessage()).contains("__spqr__target_session_attrs", "master",
                    "read-write, primary, read-only, standby, prefer-standby, any, smart-read-write");
            assertThat(Sql.single(c, "SHOW __spqr__target_session_attrs")).isEqualTo("read-write");
            Sql.assertFailsWith("22023", () -> Sql.single(c, "/*__spqr__target_session_attrs: replica*/ SELECT 1"));
            assertThat(Sql.single(c, "SELECT 2")).isEqualTo("2");
        }
        try (RawClient client = new RawClient(router.port())) {
            client.send(RawClient.startup(plain, Map.of("options", "-c __spqr__target_session_attrs=nope")));
            RawClient.Answer answer = client.answer(PROMPTLY);
            assertThat(answer).isInstanceOf(RawClient.Error.class);
            assertThat(((RawClient.Error) answer).sqlState()).isEqualTo("22023");
            assertThat(((RawClient.Error) answer).fields().get('S')).isEqualTo("FATAL");
        }
    }

    /** What the session handed the pool: the log line of each backend it took, in order. */
    @ParameterizedTest(name = "preferQueryMode={0}")
    @ValueSource(strings = {"simple", "extended"})
    void eachTransactionHandsThePoolItsAttrs(String mode) throws SQLException {
        try (Connection c = router.connect(smart, Map.of("preferQueryMode", mode))) {
            int client = ((PGConnection) c).getBackendPID();
            taken.list.clear();
            Sql.single(c, "SELECT balance FROM accounts WHERE id = 1");
            Sql.execute(c, "UPDATE accounts SET balance = balance WHERE id = 1");
            Sql.single(c, "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE");
            Sql.single(c, "/*__spqr__target_session_attrs: read-write*/ SELECT 1");
            Sql.execute(c, "SET __spqr__target_session_attrs = 'any'");
            Sql.single(c, "SELECT 1");
            Sql.execute(c, "INSERT INTO accounts VALUES (10, 0) ON CONFLICT DO NOTHING");
            Sql.execute(c, "SET __spqr__target_session_attrs = 'read-write'");
            Sql.single(c, "SELECT 1");
            Sql.single(c, "/*__spqr__target_session_attrs: primary*/ SELECT 1");
            c.setAutoCommit(false);
            c.setReadOnly(true); // pgjdbc begins its transactions with BEGIN READ ONLY
            Sql.execute(c, "SET __spqr__target_session_attrs = 'smart-read-write'");
            Sql.assertFailsWith("25006", () -> Sql.execute(c, "UPDATE accounts SET balance = 0 WHERE id = 1"));
            c.rollback();

            assertThat(takenBy(client)).containsExactly("prefer-standby", "read-write", "read-write", "read-write",
                    "any", "read-write", "read-write", "primary", "prefer-standby");
        }
    }

    @ParameterizedTest(name = "preferQueryMode={0}")
    @ValueSource(strings = {"simple", "extended"})
    void smartReadWriteRefusesAWriteAfterAReadAndTheTransactionFails(String mode) throws SQLException {
        try (Connection c = router.connect(smart, Map.of("preferQueryMode", mode))) {
            c.setAutoCommit(false);
            assertThat(Sql.single(c, "SELECT balance FROM accounts WHERE id = 1")).isEqualTo("100");
            SQLException refused = Sql.assertFailsWith("25006",
                    () -> Sql.execute(c, "UPDATE accounts SET balance = 0 WHERE id = 1"));
            assertThat(refused.getMessage()).contains("smart-read-write", "BEGIN READ WRITE");
            Sql.assertFailsWith("25P02", () -> Sql.single(c, "SELECT 1"));
            c.rollback();
            // a transaction that begins with its write goes to the primary and may read after it
            Sql.execute(c, "UPDATE accounts SET balance = balance WHERE id = 1");
            assertThat(Sql.single(c, "SELECT balance FROM accounts WHERE id = 1")).isEqualTo("100");
            c.commit();
            // as does one that says so
            Sql.execute(c, "/*__spqr__target_session_attrs: read-write*/ SELECT 1");
            Sql.execute(c, "UPDATE accounts SET balance = balance WHERE id = 1");
            c.commit();
        }
        try (Connection c = router.connect(plain, Map.of("preferQueryMode", mode))) {
            c.setAutoCommit(false); // read-write: a read first changes nothing
            Sql.single(c, "SELECT balance FROM accounts WHERE id = 1");
            Sql.execute(c, "UPDATE accounts SET balance = balance WHERE id = 1");
            c.commit();
        }
    }

    private static List<String> takenBy(int client) {
        return taken.list.stream().map(event -> TAKEN.matcher(event.getFormattedMessage()))
                .filter(m -> m.find() && m.group(1).equals(Integer.toString(client)))
                .map(m -> m.group(2)).toList();
    }
}
