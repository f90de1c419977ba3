package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REDISTRIBUTE by varchar, uuid and composite keys, in batches of 1, 100 and 10,000 rows: the
 * batches follow the router's key order (varchars in the C collation, uuids unsigned, composite
 * keys column by column), so exactly the range's rows move and the next range's stay.
 */
@RealPostgres(servers = 2)
class RedistributeKeyTypesTest {
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "move_key_types");
        cluster.createShards();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void varcharKeysInBatchesOfOneRow() throws Exception {
        // In C order 'Z' (90) < '_' (95) < 'a' (97), and 'Ä' sorts after 'z': kZ, k_, ka, kÄ are in this order.
        cluster.onShard(0, """
                CREATE TABLE accounts (name varchar(20) PRIMARY KEY, balance int NOT NULL);
                INSERT INTO accounts VALUES ('a', 1), ('abc', 2), ('kZ', 3), ('k_', 4), ('ka', 5), ('kÄ', 6),
                  ('m', 7), ('mzzz', 8), ('b''quote', 9), ('n', 10), ('nb', 11), ('zzz', 12), ('Ä', 13);""");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dv COLUMN TYPES varchar");
            execute(console, "ALTER DISTRIBUTION dv ATTACH RELATION accounts DISTRIBUTION KEY name");
            execute(console, "CREATE KEY RANGE kr1 FROM 'a' ROUTE TO sh1 FOR DISTRIBUTION dv");
            execute(console, "CREATE KEY RANGE kr2 FROM 'n' ROUTE TO sh1 FOR DISTRIBUTION dv");
        }
        moveAndCheck("accounts", "name COLLATE \"C\" < 'n'", "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 1", 9);
        try (Connection console = cluster.console()) {
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|dv|'a'|sh2|false", "kr2|dv|'n'|sh1|false");
        }
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            assertThat(value(client, "SELECT balance FROM accounts WHERE name = 'kÄ'")).isEqualTo("6");
            assertThat(value(client, "SELECT balance FROM accounts WHERE name = 'nb'")).isEqualTo("11");
        }
    }

    @Test
    void uuidKeysInBatchesOfOneHundredRows() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE sessions (id uuid PRIMARY KEY, v int NOT NULL);
                INSERT INTO sessions SELECT gen_random_uuid(), g FROM generate_series(1, 1000) g;
                INSERT INTO sessions VALUES ('7fffffff-ffff-ffff-ffff-ffffffffffff', 0),
                  ('80000000-0000-0000-0000-000000000000', 0), ('00000000-0000-0000-0000-000000000000', 0);""");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION du COLUMN TYPES uuid");
            execute(console, "ALTER DISTRIBUTION du ATTACH RELATION sessions DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr1 FROM '00000000-0000-0000-0000-000000000000' ROUTE TO sh1 FOR DISTRIBUTION du");
            execute(console, "CREATE KEY RANGE kr2 FROM '80000000-0000-0000-0000-000000000000' ROUTE TO sh1 FOR DISTRIBUTION du");
        }
        String moved = moveAndCheck("sessions", "id < '80000000-0000-0000-0000-000000000000'",
                "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 100", 0);
        long rows = Long.parseLong(moved.split("\\|")[2]);
        assertThat(moved.split("\\|")[3]).isEqualTo(Long.toString((rows + 99) / 100));
    }

    @Test
    void compositeKeysInBatchesOfTenThousandRows() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE events (tenant bigint, name text, v int NOT NULL, PRIMARY KEY (tenant, name));
                INSERT INTO events SELECT g % 100, 'e' || g, g FROM generate_series(0, 24999) g;""");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dc COLUMN TYPES integer, varchar");
            execute(console, "ALTER DISTRIBUTION dc ATTACH RELATION events DISTRIBUTION KEY tenant, name");
            execute(console, "CREATE KEY RANGE kr1 FROM 0, 'a' ROUTE TO sh1 FOR DISTRIBUTION dc");
            execute(console, "CREATE KEY RANGE kr2 FROM 60, 'e5' ROUTE TO sh1 FOR DISTRIBUTION dc");
        }
        String moved = moveAndCheck("events", "ROW(tenant, name COLLATE \"C\") < ROW(60, 'e5')",
                "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 10000", 0);
        assertThat(moved).endsWith("|2");
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            assertThat(value(client, "SELECT v FROM events WHERE tenant = 60 AND name = 'e10060'")).isEqualTo("10060");
            assertThat(value(client, "SELECT v FROM events WHERE tenant = 60 AND name = 'e560'")).isEqualTo("560");
        }
    }

    @Test
    void checkNamesARelationMissingOnTheSourceAndMovesNothing() throws Exception {
        cluster.onShard(0, "CREATE TABLE present (id bigint PRIMARY KEY); INSERT INTO present VALUES (1), (2)");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION present DISTRIBUTION KEY id");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION absent DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
            for (String statement : List.of("REDISTRIBUTE KEY RANGE kr1 TO sh2 CHECK", "REDISTRIBUTE KEY RANGE kr1 TO sh2")) {
                java.sql.SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                        java.sql.SQLException.class, () -> rows(console, statement));
                assertThat(refused.getSQLState()).isEqualTo("42P01");
                assertThat(refused.getMessage()).contains("relation \"public.absent\" does not exist on shard \"sh1\"");
            }
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|ds1|0|sh1|false");
        }
        assertThat(cluster.content(0, "present", "true")).startsWith("2|");
        assertThat(cluster.content(1, "present", "true")).isEqualTo("0|0");
    }

    /**
     * Moves and checks: the range's rows are on sh2 and gone from sh1, the other rows untouched.
     *
     * @param expectedRows the rows the range holds, 0 to only check they are more than none
     * @return the REDISTRIBUTE result row
     */
    private String moveAndCheck(String table, String inRange, String redistribute, int expectedRows) throws Exception {
        String moving = cluster.content(0, table, inRange);
        String staying = cluster.content(0, table, "NOT (" + inRange + ")");
        if (expectedRows > 0) {
            assertThat(moving).startsWith(expectedRows + "|");
        }
        assertThat(moving).doesNotStartWith("0|");
        assertThat(staying).doesNotStartWith("0|");
        List<String> result;
        try (Connection console = cluster.console()) {
            result = rows(console, redistribute);
            assertThat(rows(console, "SHOW task_group")).isEmpty();
        }
        assertThat(result).hasSize(1);
        assertThat(result.getFirst().split("\\|")[2]).isEqualTo(moving.split("\\|")[0]);
        assertThat(cluster.content(1, table, "true")).isEqualTo(moving);
        assertThat(cluster.content(0, table, inRange)).isEqualTo("0|0");
        assertThat(cluster.content(0, table, "true")).isEqualTo(staying);
        return result.getFirst();
    }
}
