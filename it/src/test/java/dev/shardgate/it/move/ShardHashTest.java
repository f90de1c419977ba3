package dev.shardgate.it.move;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.move.ShardHash;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.RoutingExpression;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL key hashes a shard computes for a hashed move are the router's, bit for bit: every key
 * here is hashed by PostgreSQL and by {@link HashFunction}, and both must agree, for integers of
 * every varint length and sign, texts of every CityHash length path with multibyte UTF-8, and uuids.
 */
@RealPostgres(servers = 1)
class ShardHashTest {
    private static final String DATABASE = "shard_hash";
    private LocalPostgres server;

    @BeforeEach
    void start(PostgresServers servers) {
        server = servers.get(0);
        server.createUser(MoveCluster.USER, null);
        server.psql("postgres", "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        server.createDatabase(DATABASE, MoveCluster.USER);
    }

    @Test
    void integersHashAsTheRouterHashesThem() throws Exception {
        Random random = new Random(21);
        List<Object> keys = new ArrayList<>(List.of(0L, 1L, -1L, 127L, 128L, -128L, 255L, 16_383L, 16_384L,
                Long.MAX_VALUE, Long.MIN_VALUE, (1L << 56) - 1, 1L << 56, Integer.MAX_VALUE + 1L, Integer.MIN_VALUE - 1L));
        for (int i = 0; i < 3000; i++) {
            long value = switch (i % 3) {
                case 0 -> random.nextInt(2_000_001) - 1_000_000;
                case 1 -> random.nextLong();
                default -> random.nextLong() >> random.nextInt(64);
            };
            keys.add(value);
        }
        assertSameHashes("bigint", ColumnType.INTEGER_HASH, keys, k -> HashFunction.MURMUR.hashInteger((Long) k),
                k -> HashFunction.CITY.hashInteger((Long) k));
    }

    @Test
    void textsHashAsTheRouterHashesThem() throws Exception {
        Random random = new Random(7);
        String[] pieces = {"a", "Z", "0", " ", "'", "ä", "ß", "€", "日本", "😀", "\u0080", "\uFFFD"};
        List<Object> keys = new ArrayList<>(List.of("", "x", "hello world", "ключ", "😀😀😀"));
        for (int i = 0; i < 3000; i++) {
            int length = i < 200 ? i % 100 : random.nextInt(130);
            StringBuilder text = new StringBuilder();
            while (text.length() < length) {
                text.append(random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)] : (char) ('a' + random.nextInt(26)));
            }
            keys.add(text.toString());
        }
        assertSameHashes("text", ColumnType.VARCHAR_HASH, keys, k -> HashFunction.MURMUR.hashVarchar((String) k),
                k -> HashFunction.CITY.hashVarchar((String) k));
    }

    @Test
    void uuidsHashAsTheRouterHashesThem() throws Exception {
        Random random = new Random(3);
        List<Object> keys = new ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1)));
        for (int i = 0; i < 1000; i++) {
            keys.add(new UUID(random.nextLong(), random.nextLong()));
        }
        assertSameHashes("uuid", ColumnType.UUID_HASH, keys, k -> HashFunction.MURMUR.hashUuid((UUID) k),
                k -> HashFunction.CITY.hashUuid((UUID) k));
    }

    /** A routing expression hashes each column's hash as an integer's bytes, concatenated: both sides, both functions. */
    @Test
    void routingExpressionsHashAsTheRouterHashesThem() throws Exception {
        Random random = new Random(11);
        List<Object> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(new Object[] {random.nextLong() >> random.nextInt(64), "k" + random.nextInt(100_000) + (i % 7 == 0 ? "ключ" : "")});
        }
        for (HashFunction function : List.of(HashFunction.MURMUR, HashFunction.CITY)) {
            RoutingExpression expression = new RoutingExpression(function, List.of(
                    new RoutingExpression.TypedColumn("a", ColumnType.INTEGER), new RoutingExpression.TypedColumn("b", ColumnType.VARCHAR_HASH)));
            Properties properties = new Properties();
            properties.setProperty("user", MoveCluster.USER);
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl(DATABASE), properties)) {
                ShardHash.install(connection);
                String sql = "SELECT " + ShardHash.expressionKey(expression, List.of("a", "b"))
                        + " FROM unnest(?::bigint[], ?::text[]) WITH ORDINALITY AS u(a, b, n) ORDER BY n";
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    statement.setArray(1, connection.createArrayOf("bigint", keys.stream().map(k -> ((Object[]) k)[0]).toArray()));
                    statement.setArray(2, connection.createArrayOf("text", keys.stream().map(k -> ((Object[]) k)[1]).toArray()));
                    List<Long> shard = new ArrayList<>();
                    List<Long> router = new ArrayList<>();
                    try (ResultSet rows = statement.executeQuery()) {
                        int i = 0;
                        while (rows.next()) {
                            Object[] key = (Object[]) keys.get(i++);
                            shard.add(rows.getLong(1));
                            router.add(expression.keyOf(List.of(key[0], key[1])).value());
                        }
                    }
                    assertThat(shard).as(function.consoleName()).hasSize(keys.size()).containsExactlyElementsOf(router);
                }
            }
        }
    }

    private void assertSameHashes(String sqlType, ColumnType type, List<Object> keys,
                                  java.util.function.Function<Object, Long> murmur,
                                  java.util.function.Function<Object, Long> city) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", MoveCluster.USER);
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(DATABASE), properties)) {
            ShardHash.install(connection);
            String sql = "SELECT k::text, " + ShardHash.keyExpression("k", type, HashFunction.MURMUR) + ", "
                    + ShardHash.keyExpression("k", type, HashFunction.CITY) + " FROM unnest(?::" + sqlType
                    + "[]) WITH ORDINALITY AS u(k, n) ORDER BY n";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setArray(1, connection.createArrayOf(sqlType, keys.toArray()));
                List<String> shard = new ArrayList<>();
                List<String> router = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    int i = 0;
                    while (rows.next()) {
                        Object key = keys.get(i++);
                        shard.add(rows.getString(1) + " murmur=" + rows.getLong(2) + " city=" + rows.getLong(3));
                        router.add(rows.getString(1) + " murmur=" + murmur.apply(key) + " city=" + city.apply(key));
                    }
                }
                assertThat(shard).hasSize(keys.size()).containsExactlyElementsOf(router);
            }
        }
    }
}
