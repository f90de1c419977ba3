package dev.shardgate.router.copy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.shardgate.wire.ClientEncoding;

import static org.assertj.core.api.Assertions.assertThat;

class CopyRowsTest {
    private final List<String> rows = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    private final CopyRows.Sink sink = new CopyRows.Sink() {
        @Override
        public void header(byte[] bytes, int length) {
            rows.add("H:" + new String(bytes, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void row(byte[] bytes, int length, String[] key) {
            rows.add(new String(bytes, 0, length, StandardCharsets.UTF_8));
            keys.add(Arrays.toString(key));
        }
    };

    /** Feeds the data one byte per CopyData message: rows are cut the same whatever the boundaries. */
    private void feedBytewise(CopyRows copyRows, String data) throws IOException {
        for (byte b : data.getBytes(StandardCharsets.UTF_8)) {
            copyRows.feed(new byte[] {b});
        }
        copyRows.end();
    }

    @Test
    void textRowsWithEscapesAndNullAcrossMessageBoundaries() throws IOException {
        CopyCommand command = CopyCommand.parse("COPY orders (note, id) FROM STDIN");
        feedBytewise(new CopyRows(command, new int[] {1}, sink), "a\\tb\\\nc\t7\n\\N\t8\r\nlast\t9");
        assertThat(rows).containsExactly("a\\tb\\\nc\t7\n", "\\N\t8\r\n", "last\t9\n");
        assertThat(keys).containsExactly("[7]", "[8]", "[9]");
    }

    @Test
    void csvQuotedNewlinesDelimitersAndHeader() throws IOException {
        CopyCommand command = CopyCommand.parse("COPY orders FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')");
        feedBytewise(new CopyRows(command, new int[] {1}, sink), "note;id\n\"x;\n\"\"y\"\"\";\"12\"\nz;13\n\\.\nignored;1\n");
        assertThat(rows).containsExactly("H:note;id\n", "\"x;\n\"\"y\"\"\";\"12\"\n", "z;13\n");
        assertThat(keys).containsExactly("[12]", "[13]");
    }

    @Test
    void csvWithAnEscapeOtherThanTheQuoteAndOldStyleOptions() throws IOException {
        CopyCommand command = CopyCommand.parse("copy s.\"Orders\" (id, note) from stdin csv quote as '''' escape '\\' null 'NULL'");
        assertThat(command.table().schema()).isEqualTo("s");
        assertThat(command.table().name()).isEqualTo("Orders");
        assertThat(command.nullText()).isEqualTo("NULL");
        feedBytewise(new CopyRows(command, new int[] {0, 1}, sink), "'4\\'2',NULL\n5,'a\nb'\n");
        assertThat(keys).containsExactly("[4'2, null]", "[5, a\nb]");
    }

    @Test
    void queriesFilesAndProgramsAreNotCopiesThroughTheRouter() {
        assertThat(CopyCommand.parse("COPY (SELECT 1) TO STDOUT")).isNull();
        assertThat(CopyCommand.parse("COPY orders FROM '/tmp/x'")).isNull();
        assertThat(CopyCommand.parse("COPY orders TO STDOUT (FORMAT csv, HEADER)").header()).isTrue();
    }

    @Test
    void textEscapesAreReadBeforeTheKeyIsTaken() throws IOException {
        CopyCommand command = CopyCommand.parse("COPY orders (id, note) FROM STDIN");
        // \065 is octal for '5', \x35 hex for it; \N alone is NULL, an escaped delimiter is data
        feedBytewise(new CopyRows(command, new int[] {0, 1}, sink),
                "1\\0657\ta\\n\n\\x35\\x0\tb\\\tc\n\\N\t\\\\N\n\\v\\b\\f\\r\\q\t\\303\\251t\u00e9\n");
        assertThat(keys).containsExactly("[157, a\n]", "[5\u0000, b\tc]", "[null, \\N]", "[\u000b\b\f\rq, \u00e9t\u00e9]");
    }

    @Test
    void forceNullAndForceNotNullDecideWhetherAnEmptyKeyIsNull() throws IOException {
        CopyCommand forced = CopyCommand.parse("COPY orders (id, note) FROM STDIN WITH (FORMAT csv, FORCE_NULL (id), FORCE_NOT_NULL (\"note\"))");
        assertThat(forced.forceNull()).containsExactly("id");
        assertThat(forced.forceNotNull()).containsExactly("note");
        feedBytewise(new CopyRows(forced, new int[] {0, 1}, List.of("id", "note"), ClientEncoding.UTF8, ClientEncoding.UTF8, sink),
                "\"\",\n7,\"\"\n\"a\"b\"c\",x\n");
        assertThat(keys).containsExactly("[null, ]", "[7, ]", "[abc, x]");

        CopyCommand old = CopyCommand.parse("COPY orders (id, note) FROM STDIN CSV HEADER FORCE NOT NULL id, note FORCE NULL note ENCODING 'LATIN1'");
        assertThat(old.forceNotNull()).containsExactly("id", "note");
        assertThat(old.forceNull()).containsExactly("note");
        assertThat(old.encoding()).isEqualTo("LATIN1");
        assertThat(CopyCommand.parse("COPY orders TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *, HEADER match, FREEZE)").header()).isTrue();
        assertThat(CopyCommand.parse("COPY orders TO STDOUT CSV FORCE QUOTE *").format()).isEqualTo(CopyCommand.Format.CSV);
    }

    @Test
    void sjisTrailBytesAreNeitherBackslashesNorQuotes() throws IOException {
        ClientEncoding sjis = ClientEncoding.named("SJIS");
        CopyCommand command = CopyCommand.parse("COPY orders (note, id) FROM STDIN");
        CopyRows copyRows = new CopyRows(command, new int[] {0}, List.of("note"), sjis, ClientEncoding.UTF8, sink);
        for (byte b : "\u8868\t1\n\u30bd\t2\n".getBytes(sjis.charset())) { // 表 and ソ end in 0x5c
            copyRows.feed(new byte[] {b});
        }
        copyRows.end();
        assertThat(keys).containsExactly("[\u8868]", "[\u30bd]");
        assertThat(rows).hasSize(2);
    }
}
