package dev.shardgate.console.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.wire.auth.Md5Password;
import dev.shardgate.wire.auth.PasswordExchange.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Console access rules and password methods, checked with pgjdbc and psql. */
class ConsoleAuthTest {
    private static final String PASSWORD = "s3cret pass";
    private ConsoleServer server;

    private void start(Method method, String configuredPassword) throws Exception {
        // Only "admin" may log in, to any database.
        ConsoleAccess access = (user, database) -> user.equals("admin")
                ? Optional.of(new ConsoleAccess.Rule(method, configuredPassword))
                : Optional.empty();
        server = ConsoleServer.start("127.0.0.1", 0, access,
                new ConsoleExecutor(new MemoryQdb(), RouterStatus.withoutClients("test")));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Connection connect(String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        properties.setProperty("sslmode", "disable");
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/console", properties);
    }

    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"MD5", "SCRAM", "CLEAR_TEXT"})
    void rightPasswordLogsIn(Method method) throws Exception {
        start(method, PASSWORD);
        try (Connection connection = connect("admin", PASSWORD); var statement = connection.createStatement();
             var rows = statement.executeQuery("SHOW version")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("version")).isEqualTo("test");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Method.class, names = {"MD5", "SCRAM", "CLEAR_TEXT"})
    void wrongPasswordIs28P01(Method method) throws Exception {
        start(method, PASSWORD);
        SQLException e = catchThrowableOfType(SQLException.class, () -> connect("admin", "wrong").close());
        assertThat(e.getSQLState()).isEqualTo("28P01");
        assertThat(e.getMessage()).contains("password authentication failed for user \"admin\"");
    }

    @Test
    void storedMd5HashIsAccepted() throws Exception {
        start(Method.MD5, Md5Password.storedHash("admin", PASSWORD));
        connect("admin", PASSWORD).close();
    }

    /** As PostgreSQL's mock authentication: an unknown user cannot be told from a wrong password. */
    @Test
    void noRuleLooksLikeAWrongPassword() throws Exception {
        start(Method.TRUST, null);
        SQLException e = catchThrowableOfType(SQLException.class, () -> connect("mallory", "x").close());
        assertThat(e.getSQLState()).isEqualTo("28P01");
        assertThat(e.getMessage()).contains("password authentication failed for user \"mallory\"");
    }

    @Test
    void psqlWithScram() throws Exception {
        Path psql = Path.of("/usr/bin/psql");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(psql), "psql is not installed");
        start(Method.SCRAM, PASSWORD);

        assertThat(runPsql(psql, PASSWORD)).isEqualTo(" test\n\n");
        assertThat(runPsql(psql, "wrong")).contains("FATAL:  password authentication failed for user \"admin\"");
    }

    private String runPsql(Path psql, String password) throws Exception {
        var builder = new ProcessBuilder(psql.toString(), "-X", "-t", "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-U", "admin", "-d", "console", "-c", "SHOW version").redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        builder.environment().put("PGSSLMODE", "disable");
        builder.environment().put("PGCONNECT_TIMEOUT", "10");
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
