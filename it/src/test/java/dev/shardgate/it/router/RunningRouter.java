package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Pgbench;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A router started in-process on a free port in front of real shards, as a test class sees it:
 * a host and port that psql, pgbench and pgjdbc connect to.
 */
final class RunningRouter implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    /** The name of the only shard in {@link #configFor}'s configs, as errors name it. */
    static final String SHARD = "sh1";

    private final RouterServer server;

    private RunningRouter(RouterServer server) {
        this.server = server;
    }

    /**
     * A config listening on 127.0.0.1 with a free port and {@code shard} as its only shard, so the
     * tests hold whatever routing decides; rules are added by the caller.
     */
    static RouterConfig.Builder configFor(LocalPostgres shard) {
        return RouterConfig.builder().host(HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .shard(SHARD, ShardConfig.data(shard.host() + ":" + shard.port()));
    }

    /** Frontend rule for the account's db and user: this pool mode, clients authenticate with {@code auth}. */
    static FrontendRule frontend(Account account, PoolMode mode, AuthRule auth) {
        return new FrontendRule(account.database(), account.user(), mode, auth, false);
    }

    /** Backend rule for the account: at most {@code connectionLimit} connections per shard. */
    static BackendRule backend(Account account, int connectionLimit, AuthRule auth) {
        return new BackendRule(account.database(), account.user(), connectionLimit, false, true, auth, false);
    }

    /** Frontend rule asking clients for the account's password (md5) and a backend rule for trusting shards. */
    static RouterConfig.Builder admit(RouterConfig.Builder config, Account account, PoolMode mode, int connectionLimit) {
        return config.frontendRule(frontend(account, mode, new AuthRule(AuthMethod.MD5, account.password())))
                .backendRule(backend(account, connectionLimit, AuthRule.ok()));
    }

    /** Frontend rule in TRANSACTION mode and backend rule for the account, neither asking for a password. */
    static RouterConfig.Builder trusting(RouterConfig.Builder config, Account account, int connectionLimit) {
        return config.frontendRule(frontend(account, PoolMode.TRANSACTION, AuthRule.ok()))
                .backendRule(backend(account, connectionLimit, AuthRule.ok()));
    }

    static RunningRouter start(RouterConfig.Builder config) {
        try {
            return new RunningRouter(RouterServer.start(config.build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the config to {@code file} as router.yaml and starts from the file, as the command
     * line does: RELOAD on the console reads the file again.
     */
    static RunningRouter startFromFile(RouterConfig.Builder config, java.nio.file.Path file) {
        try {
            java.nio.file.Files.writeString(file, config.build().toYaml());
            return new RunningRouter(RouterServer.start(RouterConfig.load(file), file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.port();
    }

    /** The router's pools, for tests that ask for a host by target_session_attrs directly. */
    dev.shardgate.router.pool.Pools pools() {
        return server.context().pools();
    }

    /** Client connections the router holds now. */
    int clients() {
        return server.clients();
    }

    int consolePort() {
        return server.consolePort();
    }

    /** The HTTP port (/metrics, /healthz, /readyz); -1 unless the config set http_port. */
    int httpPort() {
        return server.httpPort();
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /**
     * A pgjdbc connection through the router. Timeouts turn a router that never answers into a
     * failed test instead of a hung build; {@code extra} adds driver properties.
     */
    Connection connect(Account account, Map<String, String> extra) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", account.user());
        properties.setProperty("password", account.password());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("loginTimeout", "15");
        extra.forEach(properties::setProperty);
        return DriverManager.getConnection(jdbcUrl(account.database()), properties);
    }

    Connection connect(Account account) throws SQLException {
        return connect(account, Map.of());
    }

    Psql psql(Account account) {
        return new Psql(HOST, port(), account.user(), account.password(), account.database());
    }

    Pgbench pgbench(Account account) {
        return new Pgbench(HOST, port(), account.user(), account.password(), account.database());
    }

    @Override
    public void close() {
        server.close();
    }
}
