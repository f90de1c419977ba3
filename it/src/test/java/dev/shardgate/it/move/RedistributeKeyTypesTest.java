package dev.shardgate.it.move;

import dev.shardgate.coordinator.move.ShardHash;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.RoutingExpression;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
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
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh2|dv|'a'|false", "kr2|sh1|dv|'n'|false");
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

    /**
     * Hashed varchar keys holding characters COPY escapes (tab, newline, carriage return, backslash)
     * and multibyte UTF-8: the coordinator hashes the keys it reads through COPY as the router hashes
     * them, so exactly the rows whose city hash lies in the lower half move.
     */
    @Test
    void hashedVarcharKeysWithEscapedCharactersInBatchesOfSevenHundredRows() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE notes (name varchar(40) PRIMARY KEY, v int NOT NULL);
                INSERT INTO notes SELECT 'n' || g || CASE g % 6 WHEN 0 THEN E'\\t' WHEN 1 THEN E'\\n' WHEN 2 THEN E'\\\\'
                  WHEN 3 THEN 'Ä€😀' WHEN 4 THEN E'\\r''' ELSE '' END, g FROM generate_series(1, 3000) g;""");
        assertThat(cluster.content(0, "notes", "strpos(name, E'\\t') > 0")).startsWith("500|");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dv COLUMN TYPES varchar hash");
            execute(console, "ALTER DISTRIBUTION dv ATTACH RELATION notes DISTRIBUTION KEY name HASH FUNCTION city");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dv");
            execute(console, "CREATE KEY RANGE kr2 FROM 2147483648 ROUTE TO sh1 FOR DISTRIBUTION dv");
        }
        String inRange = ShardHash.keyExpression("name", ColumnType.VARCHAR_HASH, HashFunction.CITY) + " < 2147483648";
        moveAndCheck("notes", inRange, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 700", 0);
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            Map<String, String> values = Map.of("n6\t", "6", "n7\n", "7", "n8\\", "8", "n9Ä€😀", "9", "n10\r'", "10",
                    "n11", "11");
            for (var entry : values.entrySet()) {
                try (var statement = client.prepareStatement("SELECT v FROM notes WHERE name = ?")) {
                    statement.setString(1, entry.getKey());
                    try (var row = statement.executeQuery()) {
                        assertThat(row.next()).as(entry.getKey()).isTrue();
                        assertThat(row.getString(1)).isEqualTo(entry.getValue());
                    }
                }
            }
        }
    }

    @Test
    void hashedUuidKeysInBatchesOfOneHundredRows() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE sessions (id uuid PRIMARY KEY, v int NOT NULL);
                INSERT INTO sessions SELECT gen_random_uuid(), g FROM generate_series(1, 1000) g;""");
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION du COLUMN TYPES uuid hash");
            execute(console, "ALTER DISTRIBUTION du ATTACH RELATION sessions DISTRIBUTION KEY id HASH FUNCTION murmur");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION du");
            execute(console, "CREATE KEY RANGE kr2 FROM 2147483648 ROUTE TO sh1 FOR DISTRIBUTION du");
        }
        String inRange = ShardHash.keyExpression("id", ColumnType.UUID_HASH, HashFunction.MURMUR) + " < 2147483648";
        String moved = moveAndCheck("sessions", inRange, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 100", 0);
        long rows = Long.parseLong(moved.split("\\|")[2]);
        assertThat(Long.parseLong(moved.split("\\|")[3])).isBetween((rows + 99) / 100, (rows + 99) / 100 + 1);
    }

    /**
     * A routing expression MURMUR [a INTEGER, b VARCHAR]: the shard hashes both columns as the
     * router does ({@link ShardHash#expressionKey}), so exactly the rows whose combined hash lies in
     * the lower half move, and the router finds them on their new shard.
     */
    @Test
    void routingExpressionKeysInBatchesOfTwoHundredRows() throws Exception {
        cluster.onShard(0, """
                CREATE TABLE pairs (a bigint NOT NULL, b text NOT NULL, v int NOT NULL, PRIMARY KEY (a, b));
                INSERT INTO pairs SELECT g % 97 - 40, 'b' || g, g FROM generate_series(1, 2000) g;""");
        RoutingExpression key = new RoutingExpression(HashFunction.MURMUR, List.of(
                new RoutingExpression.TypedColumn("a", ColumnType.INTEGER), new RoutingExpression.TypedColumn("b", ColumnType.VARCHAR)));
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dp COLUMN TYPES integer hash");
            execute(console, "ALTER DISTRIBUTION dp ATTACH RELATION pairs DISTRIBUTION KEY murmur [a integer, b varchar]");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dp");
            execute(console, "CREATE KEY RANGE kr2 FROM 2147483648 ROUTE TO sh1 FOR DISTRIBUTION dp");
        }
        String inRange = ShardHash.expressionKey(key, List.of("a", "b")) + " < 2147483648";
        moveAndCheck("pairs", inRange, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 200", 0);
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            for (int g = 1; g <= 2000; g += 111) {
                long a = g % 97 - 40;
                String b = "b" + g;
                // each row is on one shard only: found means routed to it
                try (var statement = client.prepareStatement("SELECT v FROM pairs WHERE a = ? AND b = ?")) {
                    statement.setLong(1, a);
                    statement.setString(2, b);
                    try (var row = statement.executeQuery()) {
                        assertThat(row.next()).as(a + ", " + b).isTrue();
                        assertThat(row.getInt(1)).isEqualTo(g);
                    }
                }
            }
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
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh1|ds1|0|false");
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
