package dev.shardgate.it.encoding;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.RouterOnShards;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statement text in the client's encoding goes through the router byte for byte: what a client in
 * LATIN1, WIN1252, SJIS or EUC_JP stores and reads back through the router is what it stores and
 * reads on a shard directly, keys in non-ASCII text are routed by their real characters, and bytes
 * that are not text of the encoding get PostgreSQL's own error.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ClientEncodingTest {
    private static final String USER = "encoded";
    /** Names below 'ö' (U+00F6) live on sh1, the rest on sh2: 'é…' is on sh1, read as U+FFFD it would go to sh2. */
    private static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES varchar;
            ALTER DISTRIBUTION ds1 ATTACH RELATION notes DISTRIBUTION KEY name;
            CREATE KEY RANGE kr2 FROM 'ö' ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM 'a' ROUTE TO sh1 FOR DISTRIBUTION ds1;
            """;

    private RouterOnShards cluster;
    private PostgresServers servers;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        this.servers = servers;
        cluster = RouterOnShards.start(servers, "encodings", USER, PoolMode.TRANSACTION, METADATA, UnaryOperator.identity());
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void table() throws SQLException {
        for (int i = 0; i < 2; i++) {
            Jdbc.execute(cluster.shard(i), "DROP TABLE IF EXISTS notes");
            Jdbc.execute(cluster.shard(i), "CREATE TABLE notes (name varchar PRIMARY KEY, note text)");
        }
    }

    private EncodedClient router(String encoding) throws IOException {
        return EncodedClient.connect(LocalPostgres.HOST, cluster.router().port(), cluster.database(), USER, encoding,
                charsetOf(encoding));
    }

    private EncodedClient shard(int index, String encoding) throws IOException {
        LocalPostgres server = servers.get(index);
        return EncodedClient.connect(server.host(), server.port(), cluster.database(), USER, encoding, charsetOf(encoding));
    }

    private static Charset charsetOf(String encoding) {
        return switch (encoding) {
            case "UTF8" -> StandardCharsets.UTF_8;
            case "LATIN1" -> StandardCharsets.ISO_8859_1;
            case "WIN1252" -> Charset.forName("windows-1252");
            case "SJIS" -> Charset.forName("windows-31j");
            case "EUC_JP" -> Charset.forName("EUC-JP");
            default -> throw new IllegalArgumentException(encoding);
        };
    }

    private List<String> namesOn(int shard) throws SQLException {
        return Jdbc.column(cluster.shard(shard), "SELECT name || '=' || note FROM notes ORDER BY name");
    }

    /** 表 is 0x95 0x5c in SJIS: its second byte is a backslash, which must not end or escape anything. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "LATIN1|élan|café ü ß|zürich|Ölçek",
            "WIN1252|éclair|café € “quoted” ü|über|€uro ‰",
            "SJIS|あ名前|日本語 表 ｶﾀｶﾅ 能|ソ表|予定 ソフト",
            "EUC_JP|えき|日本語 表 ＡＢＣ|ゆき|東京 駅",
    })
    void textIsStoredAndReadBackUnchangedAndKeysRouteByTheirCharacters(String encoding, String firstKey, String firstNote,
                                                                        String secondKey, String secondNote) throws Exception {
        Charset charset = charsetOf(encoding);
        try (EncodedClient router = router(encoding)) {
            EncodedClient.Answer inserted = router.query("INSERT INTO notes (name, note) VALUES ('" + firstKey + "', '" + firstNote + "')");
            assertThat(inserted.sqlState()).as(inserted.message()).isNull();
            assertThat(inserted.tag()).isEqualTo("INSERT 0 1");
            // the extended protocol: text in Parse, the key and note bound as parameters
            EncodedClient.Answer bound = router.extended("INSERT INTO notes (name, note) VALUES ($1, $2 || ' ✓')"
                    .replace(" ✓", encoding.equals("LATIN1") || encoding.equals("WIN1252") ? " ü" : " 表"), secondKey, secondNote);
            assertThat(bound.sqlState()).as(bound.message()).isNull();

            EncodedClient.Answer viaRouter = router.query("SELECT note FROM notes WHERE name = '" + firstKey + "'");
            assertThat(viaRouter.column(charset)).containsExactly(firstNote);
            try (EncodedClient direct = shard(expectedShard(firstKey), encoding)) {
                EncodedClient.Answer onShard = direct.query("SELECT note FROM notes WHERE name = '" + firstKey + "'");
                assertThat(viaRouter.rows().getFirst()[0]).isEqualTo(onShard.rows().getFirst()[0]);
            }
            EncodedClient.Answer second = router.extended("SELECT note FROM notes WHERE name = $1", secondKey);
            assertThat(second.rows()).hasSize(1);
            assertThat(new String(second.rows().getFirst()[0], charset)).startsWith(secondNote);
        }
        // stored as the characters the client meant (read here over pgjdbc, in UTF-8), each on its key's shard
        String suffix = encoding.equals("LATIN1") || encoding.equals("WIN1252") ? " ü" : " 表";
        assertThat(namesOn(expectedShard(firstKey))).contains(firstKey + "=" + firstNote);
        assertThat(namesOn(expectedShard(secondKey))).contains(secondKey + "=" + secondNote + suffix);
        assertThat(namesOn(0).size() + namesOn(1).size()).isEqualTo(2);
    }

    private static int expectedShard(String key) {
        return key.compareTo("ö") < 0 ? 0 : 1;
    }

    @Test
    void aMultiRowInsertSplitOverShardsKeepsTheClientsCharacters() throws Exception {
        try (EncodedClient router = router("WIN1252")) {
            EncodedClient.Answer inserted = router.query(
                    "INSERT INTO notes (name, note) VALUES ('éa', '€ one'), ('ÿb', '‰ two'), ('ac', 'ü three') RETURNING note");
            assertThat(inserted.sqlState()).as(inserted.message()).isNull();
            assertThat(inserted.column(router.charset)).containsExactlyInAnyOrder("€ one", "‰ two", "ü three");
        }
        assertThat(namesOn(0)).containsExactly("ac=ü three", "éa=€ one");
        assertThat(namesOn(1)).containsExactly("ÿb=‰ two");
    }

    /**
     * In WIN1252 € is 0x80 and ‰ 0x89, below ü (0xfc), but as characters (U+20AC, U+2030) they sort
     * after it: the merge orders characters, as the shards' C collation does on their UTF-8.
     */
    @Test
    void multiShardAnswersSpeakTheClientsEncoding() throws Exception {
        try (EncodedClient router = router("WIN1252")) {
            assertThat(router.query("INSERT INTO notes (name, note) VALUES ('éa', '€ one'), ('ÿb', '‰ two'), ('ac', 'ü three'),"
                    + " ('ÿc', 'a four')").tag()).isEqualTo("INSERT 0 4");
            EncodedClient.Answer merged = router.query(
                    "SELECT note AS \"clé\" FROM notes WHERE name IN ('éa', 'ÿb', 'ac', 'ÿc') ORDER BY note");
            assertThat(merged.sqlState()).as(merged.message()).isNull();
            assertThat(merged.columns()).containsExactly("clé");
            assertThat(merged.column(router.charset)).containsExactly("a four", "ü three", "‰ two", "€ one");
            EncodedClient.Answer maximum = router.query("SELECT max(note) FROM notes WHERE name IN ('éa', 'ÿb', 'ac')");
            assertThat(maximum.column(router.charset)).containsExactly("€ one");
            EncodedClient.Answer refused = router.query("SELECT 'ü'::int FROM notes WHERE name IN ('éa', 'ÿb')");
            assertThat(refused.sqlState()).isEqualTo("22P02");
            assertThat(refused.message()).contains("invalid input syntax for type integer: \"ü\"");
        }
    }

    /** 表 and ソ end in 0x5c, a backslash in ASCII: in SJIS it is part of the character, not an escape. */
    @Test
    void copyInSjisRoutesByTheCharactersOfTheKey() throws Exception {
        Charset sjis = charsetOf("SJIS");
        byte[] data = "表\t予定 ソ\nソ表\t能\nabc\t\\x41\n".getBytes(sjis);
        try (EncodedClient router = router("SJIS")) {
            EncodedClient.Answer copied = router.copyIn("COPY notes (name, note) FROM STDIN", data);
            assertThat(copied.sqlState()).as(copied.message()).isNull();
            assertThat(copied.tag()).isEqualTo("COPY 3");
        }
        assertThat(namesOn(0)).containsExactly("abc=A");
        assertThat(namesOn(1)).containsExactly("ソ表=能", "表=予定 ソ");
    }

    @Test
    void setClientEncodingAndResetChangeHowTheRouterReadsStatements() throws Exception {
        try (EncodedClient router = router("UTF8")) {
            assertThat(router.query("SET client_encoding TO 'LATIN1'").sqlState()).isNull();
            byte[] latin1 = "INSERT INTO notes (name, note) VALUES ('élan', 'café')".getBytes(StandardCharsets.ISO_8859_1);
            EncodedClient.Answer inserted = router.queryBytes(latin1);
            assertThat(inserted.sqlState()).as(inserted.message()).isNull();
            assertThat(router.query("SET NAMES 'WIN1252'").sqlState()).isNull();
            assertThat(router.queryBytes("INSERT INTO notes (name, note) VALUES ('éte', '€')".getBytes(Charset.forName("windows-1252")))
                    .sqlState()).isNull();
            EncodedClient.Answer explained = router.queryBytes("EXPLAIN ROUTE SELECT * FROM notes WHERE name = 'über'"
                    .getBytes(Charset.forName("windows-1252")));
            assertThat(new String(explained.rows().getFirst()[1], Charset.forName("windows-1252")))
                    .as("the router's own rows are in the client's encoding too").contains("über");
            assertThat(router.query("RESET client_encoding").sqlState()).isNull();
            EncodedClient.Answer utf8 = router.queryBytes("SELECT note FROM notes WHERE name = 'élan'".getBytes(StandardCharsets.UTF_8));
            assertThat(utf8.column(StandardCharsets.UTF_8)).containsExactly("café");
        }
        assertThat(namesOn(0)).containsExactly("élan=café", "éte=€");
    }

    @Test
    void invalidUtf8GetsPostgresqlsOwnErrorAndFailsTheTransactionBlock() throws Exception {
        byte[] invalid = {'S', 'E', 'L', 'E', 'C', 'T', ' ', '\'', 'a', (byte) 0xc3, '(', '\''};
        try (EncodedClient router = router("UTF8"); EncodedClient direct = shard(0, "UTF8")) {
            EncodedClient.Answer expected = direct.queryBytes(invalid);
            EncodedClient.Answer answer = router.queryBytes(invalid);
            assertThat(expected.sqlState()).isEqualTo("22021");
            assertThat(answer.sqlState()).isEqualTo(expected.sqlState());
            assertThat(answer.message()).isEqualTo(expected.message());
            assertThat(answer.status()).isEqualTo((byte) 'I');

            EncodedClient.Answer parsed = router.extended(invalid);
            assertThat(parsed.sqlState()).isEqualTo("22021");
            assertThat(parsed.message()).isEqualTo(expected.message());

            byte[] insert = "INSERT INTO notes (name, note) VALUES ('x', 'é')".getBytes(StandardCharsets.UTF_8);
            assertThat(router.query("BEGIN").sqlState()).isNull();
            assertThat(router.queryBytes(insert).sqlState()).isNull();
            EncodedClient.Answer inBlock = router.queryBytes(invalid);
            assertThat(inBlock.sqlState()).isEqualTo("22021");
            assertThat(inBlock.status()).isEqualTo((byte) 'E');
            assertThat(router.query("COMMIT").tag()).isEqualTo("ROLLBACK");
        }
        assertThat(namesOn(0)).isEmpty();
    }

    @Test
    void aByteWithNoCharacterInWin1252GetsTheServersConversionError() throws Exception {
        byte[] text = {'S', 'E', 'L', 'E', 'C', 'T', ' ', '\'', (byte) 0x81, '\''};
        try (EncodedClient router = router("WIN1252"); EncodedClient direct = shard(0, "WIN1252")) {
            EncodedClient.Answer expected = direct.queryBytes(text);
            EncodedClient.Answer answer = router.queryBytes(text);
            assertThat(answer.sqlState()).isEqualTo(expected.sqlState()).isNotNull();
            assertThat(answer.message()).isEqualTo(expected.message());
        }
    }
}
