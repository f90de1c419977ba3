package dev.shardgate.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SetCommandTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(0);

    private static SetCommand set(String sql) {
        Analysis analysis = analyzer.analyze(sql);
        assertThat(analysis.parseError()).as(sql).isNull();
        return analysis.statements().getFirst().set();
    }

    @Test
    void setWithValuesAsPostgresShowsThem() {
        assertThat(set("SET search_path TO a, b")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "search_path", "a, b"));
        assertThat(set("SET search_path = 'My Schema', \"$user\"")).isEqualTo(
                new SetCommand(SetCommand.Kind.SET, "search_path", "\"My Schema\", \"$user\""));
        assertThat(set("SET statement_timeout = 5000")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "statement_timeout", "5000"));
        assertThat(set("SET extra_float_digits = -3")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "extra_float_digits", "-3"));
        assertThat(set("SET Application_Name TO 'Mixed Case'"))
                .isEqualTo(new SetCommand(SetCommand.Kind.SET, "application_name", "Mixed Case"));
        assertThat(set("SET enable_seqscan TO off")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "enable_seqscan", "off"));
        assertThat(set("SET TIME ZONE 'Europe/Berlin'")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "timezone", "Europe/Berlin"));
        assertThat(set("SET NAMES 'UTF8'")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "client_encoding", "UTF8"));
    }

    @Test
    void setLocal() {
        assertThat(set("SET LOCAL lock_timeout = '1s'")).isEqualTo(new SetCommand(SetCommand.Kind.SET_LOCAL, "lock_timeout", "1s"));
    }

    @Test
    void defaultAndFromCurrentHaveNoValue() {
        assertThat(set("SET work_mem TO DEFAULT")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "work_mem", null));
        assertThat(set("SET LOCAL work_mem = DEFAULT")).isEqualTo(new SetCommand(SetCommand.Kind.SET_LOCAL, "work_mem", null));
        assertThat(set("SET work_mem FROM CURRENT")).isEqualTo(new SetCommand(SetCommand.Kind.SET, "work_mem", null));
    }

    @Test
    void reset() {
        assertThat(set("RESET search_path")).isEqualTo(new SetCommand(SetCommand.Kind.RESET, "search_path", null));
        assertThat(set("RESET ALL")).isEqualTo(new SetCommand(SetCommand.Kind.RESET_ALL, null, null));
        assertThat(analyzer.analyze("RESET ALL").statements().getFirst().kind()).isEqualTo(StatementKind.RESET);
    }

    @Test
    void setTransaction() {
        assertThat(set("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE")).isEqualTo(new SetCommand(
                SetCommand.Kind.SET_TRANSACTION, "transaction", "isolation level serializable, read only, deferrable"));
        assertThat(set("SET TRANSACTION READ WRITE")).isEqualTo(
                new SetCommand(SetCommand.Kind.SET_TRANSACTION, "transaction", "read write"));
        assertThat(set("SET TRANSACTION SNAPSHOT '00000003-0000001B-1'")).isEqualTo(
                new SetCommand(SetCommand.Kind.SET_TRANSACTION, "transaction snapshot", "00000003-0000001B-1"));
        assertThat(set("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")).isEqualTo(
                new SetCommand(SetCommand.Kind.SET, "session characteristics", "isolation level repeatable read"));
    }

    @Test
    void discard() {
        assertThat(set("DISCARD ALL")).isEqualTo(new SetCommand(SetCommand.Kind.DISCARD_ALL, "all", null));
        assertThat(set("DISCARD PLANS")).isEqualTo(new SetCommand(SetCommand.Kind.DISCARD_OTHER, "plans", null));
        assertThat(set("DISCARD SEQUENCES")).isEqualTo(new SetCommand(SetCommand.Kind.DISCARD_OTHER, "sequences", null));
        assertThat(set("DISCARD TEMP")).isEqualTo(new SetCommand(SetCommand.Kind.DISCARD_OTHER, "temp", null));
    }

    @Test
    void otherStatementsHaveNoSetCommand() {
        assertThat(set("SHOW search_path")).isNull();
        assertThat(set("SELECT set_config('search_path', 'a', false)")).isNull();
    }
}
