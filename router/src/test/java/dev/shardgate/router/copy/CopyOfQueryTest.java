package dev.shardgate.router.copy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** COPY (query) TO …: the query's text and where the rows go, past parentheses inside strings and the query. */
class CopyOfQueryTest {
    @Test
    void theQueryAndTheOptionsAreTold() {
        CopyCommand.OfQuery copy = CopyCommand.parseQuery(
                "COPY (SELECT id, ')' AS x, f(a, (b)) FROM t WHERE s = $$)$$) TO STDOUT WITH (FORMAT csv, HEADER)");
        assertThat(copy.query()).isEqualTo("SELECT id, ')' AS x, f(a, (b)) FROM t WHERE s = $$)$$");
        assertThat(copy.toStdout().format()).isEqualTo(CopyCommand.Format.CSV);
        assertThat(copy.toStdout().header()).isTrue();
    }

    @Test
    void aFileOrProgramIsNotStdout() {
        assertThat(CopyCommand.parseQuery("COPY (SELECT 1) TO '/tmp/x'").toStdout()).isNull();
        assertThat(CopyCommand.parseQuery("copy (select 1) to program 'cat'").toStdout()).isNull();
        assertThat(CopyCommand.parseQuery("COPY t TO STDOUT")).isNull();
        assertThat(CopyCommand.parseQuery("COPY (SELECT 1 TO STDOUT")).isNull();
    }
}
