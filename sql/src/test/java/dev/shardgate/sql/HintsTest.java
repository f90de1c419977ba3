package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class HintsTest {
    @Test
    void readsHintsFromBlockCommentsAnywhere() {
        assertThat(Hints.fromComments("SELECT * FROM t /*__spqr__sharding_key: 42*/")).isEqualTo(Map.of("sharding_key", "42"));
        assertThat(Hints.fromComments("/* __spqr__distribution: ds1 */ SELECT 1")).isEqualTo(Map.of("distribution", "ds1"));
        assertThat(Hints.fromComments("SELECT /*__spqr__execute_on: sh1*/ 1 /* __spqr__target_session_attrs : read-only */"))
                .isEqualTo(Map.of("execute_on", "sh1", "target_session_attrs", "read-only"));
    }

    @Test
    void severalHintsInOneComment() {
        assertThat(Hints.fromComments("SELECT 1 /* __spqr__sharding_key: 7, __spqr__distribution: ds2 */"))
                .isEqualTo(Map.of("sharding_key", "7", "distribution", "ds2"));
    }

    @Test
    void laterHintOfTheSameNameWins() {
        assertThat(Hints.fromComments("/*__spqr__sharding_key: 1*/ SELECT 1 /*__spqr__sharding_key: 2*/"))
                .isEqualTo(Map.of("sharding_key", "2"));
    }

    @Test
    void markersInsideStringsIdentifiersAndLineCommentsDoNotCount() {
        assertThat(Hints.fromComments("SELECT '/*__spqr__sharding_key: 1*/'")).isEmpty();
        assertThat(Hints.fromComments("SELECT 'it''s /*__spqr__sharding_key: 1*/'")).isEmpty();
        assertThat(Hints.fromComments("SELECT E'\\' /*__spqr__sharding_key: 1*/'")).isEmpty();
        assertThat(Hints.fromComments("SELECT \"/*__spqr__sharding_key: 1*/\" FROM t")).isEmpty();
        assertThat(Hints.fromComments("SELECT $$ /*__spqr__sharding_key: 1*/ $$")).isEmpty();
        assertThat(Hints.fromComments("SELECT $tag$ $$ /*__spqr__sharding_key: 1*/ $tag$")).isEmpty();
        assertThat(Hints.fromComments("SELECT 1 -- /*__spqr__sharding_key: 1*/\n")).isEmpty();
        assertThat(Hints.fromComments("SELECT '__spqr__sharding_key: 1'")).isEmpty();
    }

    @Test
    void quotingEndsWhereItShould() {
        assertThat(Hints.fromComments("SELECT 'a''b' /*__spqr__sharding_key: 1*/")).isEqualTo(Map.of("sharding_key", "1"));
        assertThat(Hints.fromComments("SELECT $1, $2 /*__spqr__sharding_key: 3*/")).isEqualTo(Map.of("sharding_key", "3"));
        assertThat(Hints.fromComments("SELECT a$b /*__spqr__sharding_key: 3*/ FROM t")).isEqualTo(Map.of("sharding_key", "3"));
        assertThat(Hints.fromComments("SELECT $q$x$q$ /*__spqr__sharding_key: 4*/")).isEqualTo(Map.of("sharding_key", "4"));
        assertThat(Hints.fromComments("SELECT 1 -- note\n/*__spqr__sharding_key: 5*/")).isEqualTo(Map.of("sharding_key", "5"));
        assertThat(Hints.fromComments("SELECT 'e' /*__spqr__sharding_key: 6*/")).isEqualTo(Map.of("sharding_key", "6"));
    }

    @Test
    void nestedCommentsAreOneComment() {
        assertThat(Hints.fromComments("/* outer /* inner */ __spqr__sharding_key: 8 */ SELECT 1")).isEqualTo(Map.of("sharding_key", "8"));
    }

    @Test
    void unterminatedQuotesAndCommentsDoNotBreakTheScan() {
        assertThat(Hints.fromComments("SELECT '__spqr__x: 1")).isEmpty();
        assertThat(Hints.fromComments("SELECT 1 /*__spqr__sharding_key: 9")).isEqualTo(Map.of("sharding_key", "9"));
        assertThat(Hints.fromComments("SELECT $a$ __spqr__x: 1")).isEmpty();
    }

    @Test
    void malformedHintsAreIgnored() {
        assertThat(Hints.fromComments("/* __spqr__sharding_key 42 */")).isEmpty();
        assertThat(Hints.fromComments("/* __spqr__: 42 */")).isEmpty();
    }

    @Test
    void textWithoutTheMarkerGivesAnEmptyMap() {
        assertThat(Hints.fromComments("SELECT 1 /* plain comment */")).isEmpty();
        assertThat(Hints.fromComments("")).isEmpty();
        assertThat(Hints.fromComments(null)).isEmpty();
    }
}
