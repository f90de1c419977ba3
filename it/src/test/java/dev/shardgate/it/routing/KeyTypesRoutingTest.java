package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;

/** Distributions keyed by varchar and by uuid: literals, casts, setString and setObject(UUID). */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyTypesRoutingTest {
    private static final UUID LOW = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final UUID HIGH = UUID.fromString("c0ffee00-0000-4000-8000-000000000001");

    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_key_types")
                .schema("""
                        DROP TABLE IF EXISTS users, devices;
                        CREATE TABLE users (name varchar PRIMARY KEY, visits int NOT NULL DEFAULT 0);
                        CREATE TABLE devices (id uuid PRIMARY KEY, label text NOT NULL);
                        """)
                .initSql("key_types.sql")
                .start();
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        cluster.onEveryShard("TRUNCATE users, devices");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void varcharKeysGoToTheirRange(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            execute(router, "INSERT INTO users (name) VALUES ('alice')");
            update(router, "INSERT INTO users (name) VALUES (?)", "bob");
            execute(router, "INSERT INTO users (name) VALUES ('mallory'), ('zoe')");
            update(router, "INSERT INTO users (name) VALUES (?)", "trent");
            execute(router, "INSERT INTO users (name) VALUES ('m'::varchar)");

            assertThat(cluster.onEachShard("SELECT string_agg(name, ',' ORDER BY name) FROM users"))
                    .containsEntry("sh1", "alice,bob")
                    .containsEntry("sh2", "m,mallory,trent,zoe");

            assertThat(update(router, "UPDATE users SET visits = visits + 1 WHERE name = ?", "bob")).isEqualTo(1);
            assertThat(update(router, "UPDATE users SET visits = visits + 1 WHERE name = ?", "zoe")).isEqualTo(1);
            assertThat(update(router, "UPDATE users SET visits = visits + 1 WHERE name IN (?, ?)", "mallory", "trent"))
                    .isEqualTo(2);
            assertThat(query(router, "SELECT visits, inet_server_port() FROM users WHERE name = ?", "zoe"))
                    .isEqualTo("1|" + cluster.serverPort("sh2"));
            assertThat(query(router, "SELECT visits, inet_server_port() FROM users WHERE name = 'bob'"))
                    .isEqualTo("1|" + cluster.serverPort("sh1"));
            assertThat(update(router, "DELETE FROM users WHERE name = ?", "alice")).isEqualTo(1);

            assertThat(query(router, "SELECT name FROM users WHERE name IN (?, ?) ORDER BY name DESC", "bob", "zoe"))
                    .isEqualTo("zoe\nbob"); // keys on both shards: run on each, merged
        }
        assertThat(cluster.onEachShard("SELECT string_agg(name || '=' || visits, ',' ORDER BY name) FROM users"))
                .containsEntry("sh1", "bob=1")
                .containsEntry("sh2", "m=0,mallory=1,trent=1,zoe=1");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void uuidKeysGoToTheirRange(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            update(router, "INSERT INTO devices (id, label) VALUES (?, 'low')", LOW);
            execute(router, "INSERT INTO devices (id, label) VALUES ('" + HIGH + "', 'high')");
            assertThat(cluster.onEachShard("SELECT string_agg(id || '=' || label, ',') FROM devices"))
                    .containsEntry("sh1", LOW + "=low")
                    .containsEntry("sh2", HIGH + "=high");

            assertThat(query(router, "SELECT label, inet_server_port() FROM devices WHERE id = ?", HIGH))
                    .isEqualTo("high|" + cluster.serverPort("sh2"));
            assertThat(query(router, "SELECT label FROM devices WHERE id = '" + LOW + "'::uuid")).isEqualTo("low");
            assertThat(update(router, "UPDATE devices SET label = 'moved' WHERE id = ?", HIGH)).isEqualTo(1);
            assertThat(update(router, "DELETE FROM devices WHERE id = ?", LOW)).isEqualTo(1);
        }
        assertThat(cluster.onEachShard("SELECT string_agg(label, ',') FROM devices"))
                .containsEntry("sh1", "")
                .containsEntry("sh2", "moved");
    }
}
