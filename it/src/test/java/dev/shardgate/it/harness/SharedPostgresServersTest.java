package dev.shardgate.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Asks for the same servers as {@link PostgresHarnessTest} and must get them, not new ones. */
@RealPostgres(servers = 2)
class SharedPostgresServersTest {

    @Test
    void getsTheServersOfTheOtherClass(PostgresServers servers) throws SQLException {
        assertThat(SharingWitness.portsFirstSeen("servers=2 auth=TRUST", servers))
                .containsExactly(servers.get(0).port(), servers.get(1).port());
        for (LocalPostgres server : servers.all()) {
            try (Connection connection = DriverManager.getConnection(
                    server.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD)) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    @Nested
    class NestedClasses {
        @Test
        void getTheServersOfTheirEnclosingClass(PostgresServers servers) {
            assertThat(SharingWitness.portsFirstSeen("servers=2 auth=TRUST", servers))
                    .containsExactly(servers.get(0).port(), servers.get(1).port());
        }
    }
}
