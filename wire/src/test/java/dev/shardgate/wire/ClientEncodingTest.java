package dev.shardgate.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Statement text is read in the client's encoding and forwarded as its bytes; bad bytes get PostgreSQL's words. */
class ClientEncodingTest {

    @Test
    void namesAreSpeltAnyWayPostgresqlAccepts() {
        assertThat(ClientEncoding.named("latin1").name()).isEqualTo("LATIN1");
        assertThat(ClientEncoding.named("ISO-8859-1").name()).isEqualTo("LATIN1");
        assertThat(ClientEncoding.named("Windows-1252").name()).isEqualTo("WIN1252");
        assertThat(ClientEncoding.named("unicode")).isSameAs(ClientEncoding.UTF8);
        assertThat(ClientEncoding.named("shift_jis").name()).isEqualTo("SJIS");
        assertThat(ClientEncoding.named("euc_jp").charset()).isEqualTo(Charset.forName("EUC-JP"));
        assertThat(ClientEncoding.named("sql_ascii").charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(ClientEncoding.named("MULE_INTERNAL").charset()).isNull();
        assertThat(ClientEncoding.named(null)).isSameAs(ClientEncoding.UTF8);
    }

    @Test
    void aQueryKeepsTheClientsBytesAndIsReadInItsEncoding() {
        byte[] latin1 = "SELECT 'café'".getBytes(StandardCharsets.ISO_8859_1);
        byte[] payload = new byte[latin1.length + 1];
        System.arraycopy(latin1, 0, payload, 0, latin1.length);
        Query query = (Query) Decoder.decodeFrontend(Query.TYPE, ByteBuffer.wrap(payload), ClientEncoding.named("LATIN1"));
        assertThat(query.sql()).isEqualTo("SELECT 'café'");
        assertThat(query.text()).isEqualTo(latin1);
        assertThat(Encoder.encode(query)).endsWith(payload);
    }

    @Test
    void sjisTrailBytesThatLookLikeABackslashStayPartOfTheirCharacter() {
        ClientEncoding sjis = ClientEncoding.named("SJIS");
        byte[] text = "SELECT '表'".getBytes(sjis.charset());
        assertThat(text[text.length - 2]).isEqualTo((byte) '\\');
        assertThat(sjis.read(text)).isEqualTo("SELECT '表'");
    }

    @Test
    void invalidBytesAreReportedAsPostgresqlWordsThem() {
        byte[] invalid = {'a', (byte) 0xc3, '('};
        assertThat(ClientEncoding.UTF8.read(invalid)).isNull();
        PgException error = ClientEncoding.UTF8.unreadable(invalid, "UTF8");
        assertThat(error.sqlState()).isEqualTo(SqlState.CHARACTER_NOT_IN_REPERTOIRE);
        assertThat(error.getMessage()).isEqualTo("invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");

        byte[] undefined = {'a', (byte) 0x81};
        ClientEncoding win1252 = ClientEncoding.named("WIN1252");
        assertThat(win1252.read(undefined)).isNull();
        PgException untranslatable = win1252.unreadable(undefined, "UTF8");
        assertThat(untranslatable.sqlState()).isEqualTo(SqlState.UNTRANSLATABLE_CHARACTER);
        assertThat(untranslatable.getMessage())
                .isEqualTo("character with byte sequence 0x81 in encoding \"WIN1252\" has no equivalent in encoding \"UTF8\"");

        assertThat(ClientEncoding.UTF8.read("é \uFFFD".getBytes(StandardCharsets.UTF_8))).isEqualTo("é \uFFFD");
    }

    @Test
    void anEncodingJavaCannotReadIsReadForAsciiTextOnly() {
        ClientEncoding mule = ClientEncoding.named("MULE_INTERNAL");
        assertThat(mule.read("SELECT 1".getBytes(StandardCharsets.US_ASCII))).isEqualTo("SELECT 1");
        assertThat(mule.read(new byte[] {'a', (byte) 0x81})).isNull();
        assertThat(mule.unreadable(new byte[] {'a', (byte) 0x81}, "UTF8").sqlState()).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
    }
}
