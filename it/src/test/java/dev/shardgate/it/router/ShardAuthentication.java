package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.router.config.AuthMethod;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The router logging in to shards that demand a password, whatever method its clients use towards
 * it. Subclasses say, with {@code @RealPostgres}, how the shard checks passwords.
 */
@Timeout(60)
abstract class ShardAuthentication {
    private static LocalPostgres shard;
    private static Account owner;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        owner = Account.create(shard, "rt_shard_auth");
        RouterConfig.Builder config = RunningRouter.configFor(shard);
        for (AuthMethod method : new AuthMethod[] {AuthMethod.SCRAM, AuthMethod.MD5, AuthMethod.CLEAR_TEXT}) {
            Account client = clientFor(method);
            if (method != AuthMethod.MD5) {
                owner.withUser(shard, client.user());
            }
            config.frontendRule(RunningRouter.frontend(client, PoolMode.TRANSACTION, new AuthRule(method, client.password())));
            config.backendRule(RunningRouter.backend(client, 2, new AuthRule(shardMethod(), shardPasswordOf(client))));
        }
        Account wrongShardPassword = owner.withUser(shard, "rt_shard_wrong");
        config.frontendRule(RunningRouter.frontend(wrongShardPassword, PoolMode.TRANSACTION, AuthRule.ok()))
                .backendRule(RunningRouter.backend(wrongShardPassword, 2, new AuthRule(shardMethod(), "not-the-shard-password")));
        Account noShardPassword = owner.withUser(shard, "rt_shard_none");
        config.frontendRule(RunningRouter.frontend(noShardPassword, PoolMode.SESSION, AuthRule.ok()))
                .backendRule(RunningRouter.backend(noShardPassword, 2, AuthRule.ok()));
        router = RunningRouter.start(config);
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    /** The backend rule's method, as the shard's pg_hba.conf asks. */
    private static AuthMethod shardMethod() {
        return switch (shard.hostAuth()) {
            case SCRAM -> AuthMethod.SCRAM;
            case MD5 -> AuthMethod.MD5;
            case TRUST -> AuthMethod.OK;
        };
    }

    /** The owner for md5 clients, a member role for the others; each with a client password unlike its shard one. */
    private static Account clientFor(AuthMethod method) {
        String user = method == AuthMethod.MD5 ? owner.user() : owner.user() + "_" + method.configName();
        return new Account(owner.database(), user, user + "-client-pw");
    }

    /** {@link Account#withUser} and {@link Account#create} give role {@code u} the password {@code u-pw}. */
    private static String shardPasswordOf(Account client) {
        return client.user() + "-pw";
    }

    @ParameterizedTest(name = "client {0}")
    @EnumSource(value = AuthMethod.class, names = {"SCRAM", "MD5", "CLEAR_TEXT"})
    void clientsOfEveryMethodReachThePasswordCheckingShard(AuthMethod clientMethod) throws SQLException {
        Account client = clientFor(clientMethod);
        for (int i = 0; i < 3; i++) {
            try (Connection connection = router.connect(client)) {
                assertThat(Sql.single(connection, "select current_user || '@' || inet_server_port()"))
                        .isEqualTo(client.user() + "@" + shard.port());
                // over TCP, so the shard's password rule in pg_hba.conf applied to the router's connection
                assertThat(Sql.single(connection, "select client_addr from pg_stat_activity where pid = pg_backend_pid()"))
                        .isEqualTo("127.0.0.1");
            }
        }
        Sql.assertFailsWith("28P01", () -> router.connect(client.withPassword(shardPasswordOf(client))).close());
    }

    @Test
    void wrongShardPasswordGivesTheClientAnErrorNamingTheShard() {
        Account client = new Account(owner.database(), "rt_shard_wrong", "unused");
        long start = System.nanoTime();
        SQLException error = Sql.assertFailsWith("28P01", () -> router.connect(client).close());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(error.getMessage()).contains("shard " + RunningRouter.SHARD)
                .contains("password authentication failed for user \"rt_shard_wrong\"");
    }

    @Test
    void missingShardPasswordGivesTheClientAnErrorNamingTheShard() {
        Account client = new Account(owner.database(), "rt_shard_none", "unused");
        SQLException error = Sql.assertFailsWith("28P01", () -> router.connect(client).close());
        assertThat(error.getMessage()).contains("shard " + RunningRouter.SHARD).contains("backend rule has none");
    }
}
