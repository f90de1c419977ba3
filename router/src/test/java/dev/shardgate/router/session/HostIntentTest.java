package dev.shardgate.router.session;

import static dev.shardgate.router.config.TargetSessionAttrs.ANY;
import static dev.shardgate.router.config.TargetSessionAttrs.PREFER_STANDBY;
import static dev.shardgate.router.config.TargetSessionAttrs.PRIMARY;
import static dev.shardgate.router.config.TargetSessionAttrs.READ_ONLY;
import static dev.shardgate.router.config.TargetSessionAttrs.READ_WRITE;
import static dev.shardgate.router.config.TargetSessionAttrs.SMART_READ_WRITE;
import static dev.shardgate.router.config.TargetSessionAttrs.STANDBY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the pool is asked for per transaction: every source of target_session_attrs with every value,
 * smart-read-write by what the first statement does, and writes after a read placed on a standby.
 */
class HostIntentTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);

    private final RoutingHints hints = new RoutingHints();
    private final List<String> deferred = new ArrayList<>();
    private SessionSettings settings = SessionSettings.fromStartup(Map.of());

    private HostIntent intent(TargetSessionAttrs ruleAttrs) {
        return intent(ruleAttrs, PoolMode.TRANSACTION);
    }

    private HostIntent intent(TargetSessionAttrs ruleAttrs, PoolMode mode) {
        FrontendRule rule = new FrontendRule("db", "app", mode, AuthRule.ok(), false, ruleAttrs);
        return new HostIntent(1, rule, hints, settings, deferred, () -> !deferred.isEmpty());
    }

    /** The attrs of a transaction the client runs {@code statements} in, one query string each. */
    private static TargetSessionAttrs transaction(HostIntent intent, String... statements) {
        boolean first = true;
        for (String sql : statements) {
            PgException refused = intent.next(sql, ANALYZER.analyze(sql), !first);
            assertThat(refused).as(sql).isNull();
            first = false;
        }
        return intent.forTransaction();
    }

    /**
     * Every value, set by the frontend rule, for a transaction that begins with a read, one that
     * begins with a write, one declared READ ONLY that begins with a write, and one declared READ
     * WRITE that begins with a read.
     */
    @ParameterizedTest(name = "{0}: read {1}, write {2}, READ ONLY {3}, READ WRITE {4}")
    @CsvSource(textBlock = """
            read-write,       read-write,     read-write,     read-write,     read-write
            primary,          primary,        primary,        primary,        primary
            read-only,        read-only,      read-only,      read-only,      read-only
            standby,          standby,        standby,        standby,        standby
            prefer-standby,   prefer-standby, read-write,     prefer-standby, read-write
            any,              any,            read-write,     any,            read-write
            smart-read-write, prefer-standby, read-write,     prefer-standby, read-write
            """)
    void decisionTable(String configured, String read, String write, String declaredReadOnly, String declaredReadWrite) {
        TargetSessionAttrs attrs = parse(configured);
        assertThat(transaction(intent(attrs), "SELECT * FROM t WHERE id = 1")).isEqualTo(parse(read));
        assertThat(transaction(intent(attrs), "UPDATE t SET v = 1 WHERE id = 1")).isEqualTo(parse(write));
        assertThat(transaction(intent(attrs), "BEGIN READ ONLY", "UPDATE t SET v = 1")).isEqualTo(parse(declaredReadOnly));
        assertThat(transaction(intent(attrs), "START TRANSACTION READ WRITE", "SELECT 1")).isEqualTo(parse(declaredReadWrite));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT * FROM t                                        | prefer-standby
            SELECT count(*), now() FROM t                          | prefer-standby
            SHOW search_path                                       | prefer-standby
            SELECT * FROM t FOR UPDATE                             | read-write
            WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d  | read-write
            SELECT my_function()                                   | read-write
            SELECT nextval('s')                                    | read-write
            INSERT INTO t VALUES (1)                               | read-write
            COPY t FROM STDIN                                      | read-write
            CALL p()                                               | read-write
            SELECT 1; UPDATE t SET v = 1                           | read-write
            BEGIN; SELECT 1                                        | prefer-standby
            BEGIN READ ONLY; SELECT my_function()                  | prefer-standby
            SET TRANSACTION READ ONLY; UPDATE t SET v = 1          | prefer-standby
            """)
    void smartReadWriteByTheFirstStatement(String sql, String expected) {
        assertThat(transaction(intent(SMART_READ_WRITE), sql)).isEqualTo(parse(expected));
    }

    @Test
    void aTransactionStartDeferredByTheRouterDeclaresItsMode() {
        HostIntent intent = intent(SMART_READ_WRITE);
        intent.next("BEGIN READ ONLY", ANALYZER.analyze("BEGIN READ ONLY"), false);
        deferred.add("BEGIN READ ONLY"); // answered by the router until a statement needs a shard
        assertThat(transaction(intent, "INSERT INTO t VALUES (1)")).isEqualTo(PREFER_STANDBY);
    }

    @Test
    void defaultTransactionReadOnlyMakesTransactionsReadOnlyUnlessTheyDeclareReadWrite() {
        settings = SessionSettings.fromStartup(Map.of("default_transaction_read_only", "on"));
        assertThat(transaction(intent(SMART_READ_WRITE), "UPDATE t SET v = 1")).isEqualTo(PREFER_STANDBY);
        assertThat(transaction(intent(SMART_READ_WRITE), "BEGIN READ WRITE; UPDATE t SET v = 1")).isEqualTo(READ_WRITE);
        assertThat(transaction(intent(READ_WRITE), "SELECT 1")).isEqualTo(READ_WRITE);
    }

    @ParameterizedTest
    @EnumSource(TargetSessionAttrs.class)
    void eachSourceOverridesTheLessSpecificOnes(TargetSessionAttrs value) {
        TargetSessionAttrs other = value == STANDBY ? PRIMARY : STANDBY;
        String read = "SELECT 1";
        TargetSessionAttrs expected = HostIntent.decide(value, HostIntent.Declared.UNDECLARED, dev.shardgate.sql.DataAccess.READ);

        // the frontend rule alone
        assertThat(transaction(intent(value), read)).isEqualTo(expected);
        // a startup parameter over the rule
        hints.set(RoutingHints.TARGET_SESSION_ATTRS, value.spelling());
        HostIntent startedWith = intent(other);
        assertThat(startedWith.sessionAttrs()).isEqualTo(value);
        assertThat(transaction(startedWith, read)).isEqualTo(expected);
        // SET over the startup value; RESET back to it
        hints.set(RoutingHints.TARGET_SESSION_ATTRS, other.spelling());
        assertThat(startedWith.sessionAttrs()).isEqualTo(other);
        hints.reset(RoutingHints.TARGET_SESSION_ATTRS);
        assertThat(startedWith.sessionAttrs()).isEqualTo(value);
        // SET over the rule
        hints.set(RoutingHints.TARGET_SESSION_ATTRS, value.spelling());
        HostIntent set = intent(other);
        assertThat(transaction(set, read)).isEqualTo(expected);
        // the hint on the transaction's first statement over all of them
        hints.set(RoutingHints.TARGET_SESSION_ATTRS, other.spelling());
        assertThat(transaction(intent(other), "/*__spqr__target_session_attrs: " + value.spelling() + "*/ " + read))
                .isEqualTo(expected);
        assertThat(transaction(intent(other), "/*__spqr__target_session_attrs: " + value.spelling() + "*/ BEGIN", read))
                .isEqualTo(expected);
    }

    @Test
    void aHintOnALaterStatementOfTheTransactionChangesNothing() {
        HostIntent intent = intent(READ_WRITE);
        assertThat(transaction(intent, "BEGIN", "SELECT 1")).isEqualTo(READ_WRITE);
        intent.next("/*__spqr__target_session_attrs: standby*/ SELECT 2", ANALYZER.analyze("SELECT 2"), true);
        assertThat(intent.forTransaction()).isEqualTo(READ_WRITE);
        // the next transaction is decided afresh
        assertThat(transaction(intent, "/*__spqr__target_session_attrs: standby*/ SELECT 3")).isEqualTo(STANDBY);
        assertThat(transaction(intent, "SELECT 4")).isEqualTo(READ_WRITE);
    }

    @Test
    void badValuesAre22023NamingTheAllowedOnes() {
        assertThatThrownBy(() -> intent(READ_WRITE).next("/*__spqr__target_session_attrs: master*/ SELECT 1",
                ANALYZER.analyze("SELECT 1"), false))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState().code()).isEqualTo("22023");
                    assertThat(e.getMessage()).contains("__spqr__target_session_attrs", "master");
                    assertThat(e.hint()).contains("read-write", "primary", "read-only", "standby", "prefer-standby",
                            "any", "smart-read-write");
                });
        assertThatThrownBy(() -> hints.set(RoutingHints.TARGET_SESSION_ATTRS, "replica"))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("22023"));
        assertThatThrownBy(() -> new TransactionRouter(null).hintsTakenFrom(Map.of("target_session_attrs", "nope")))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState().code()).isEqualTo("22023"));
    }

    @Test
    void startupParametersAndOptionsAreTheSessionsValueNotServerSettings() {
        TransactionRouter router = new TransactionRouter(null);
        Map<String, String> rest = router.hintsTakenFrom(Map.of("target_session_attrs", "prefer_standby", "application_name", "x"));
        assertThat(rest).containsOnlyKeys("application_name");
        assertThat(router.hints.get(RoutingHints.TARGET_SESSION_ATTRS)).contains("prefer-standby");

        TransactionRouter viaOptions = new TransactionRouter(null);
        rest = viaOptions.hintsTakenFrom(Map.of("options", "-c __spqr__target_session_attrs=read-only -c work_mem=4MB"));
        assertThat(rest.get("options")).isEqualTo("-c work_mem=4MB");
        assertThat(viaOptions.hints.get(RoutingHints.TARGET_SESSION_ATTRS)).contains("read-only");

        TransactionRouter viaAlias = new TransactionRouter(null);
        viaAlias.hintsTakenFrom(Map.of("options", "-c target_session_attrs=any"));
        assertThat(viaAlias.hints.get(RoutingHints.TARGET_SESSION_ATTRS)).contains("any");
    }

    @ParameterizedTest
    @EnumSource(value = TargetSessionAttrs.class, names = {"SMART_READ_WRITE", "PREFER_STANDBY", "ANY"})
    void aWriteAfterAReadPlacedForAStandbyIsRefusedWith25006(TargetSessionAttrs attrs) {
        HostIntent intent = intent(attrs);
        assertThat(transaction(intent, "BEGIN", "SELECT * FROM t")).isIn(PREFER_STANDBY, ANY);
        assertThat(intent.next("SELECT 2", ANALYZER.analyze("SELECT 2"), true)).isNull();
        PgException refused = intent.next("UPDATE t SET v = 1", ANALYZER.analyze("UPDATE t SET v = 1"), true);
        assertThat(refused).isNotNull();
        assertThat(refused.sqlState().code()).isEqualTo("25006");
        assertThat(refused.getMessage()).contains(attrs.spelling());
        // the next transaction may write
        assertThat(intent.next("UPDATE t SET v = 1", ANALYZER.analyze("UPDATE t SET v = 1"), false)).isNull();
        assertThat(intent.forTransaction()).isEqualTo(READ_WRITE);
    }

    @Test
    void writesAreNotRefusedWhereTheServerDecides() {
        // declared READ ONLY: PostgreSQL refuses its writes on any host alike
        HostIntent declared = intent(SMART_READ_WRITE);
        transaction(declared, "BEGIN READ ONLY", "SELECT 1");
        assertThat(declared.next("UPDATE t SET v = 1", ANALYZER.analyze("UPDATE t SET v = 1"), true)).isNull();
        // read-only and standby exclude the primary: the client asked for the host that refuses writes
        for (TargetSessionAttrs attrs : List.of(READ_ONLY, STANDBY, READ_WRITE, PRIMARY)) {
            HostIntent intent = intent(attrs);
            transaction(intent, "SELECT 1");
            assertThat(intent.next("UPDATE t SET v = 1", ANALYZER.analyze("UPDATE t SET v = 1"), true)).as(attrs.spelling()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(TargetSessionAttrs.class)
    void aStatementOverSeveralShardsThatWritesAsksForReadWriteAndAReadFollowsTheAttrs(TargetSessionAttrs attrs) {
        HostIntent writing = intent(attrs);
        writing.next("UPDATE t SET v = 1", ANALYZER.analyze("UPDATE t SET v = 1"), false);
        assertThat(writing.forBorrowed()).isEqualTo(attrs == PRIMARY ? PRIMARY : READ_WRITE);
        HostIntent reading = intent(attrs);
        reading.next("SELECT * FROM t", ANALYZER.analyze("SELECT * FROM t"), false);
        assertThat(reading.forBorrowed()).isEqualTo(HostIntent.decide(attrs, HostIntent.Declared.UNDECLARED,
                dev.shardgate.sql.DataAccess.READ));
    }

    @Test
    void sessionPoolingKeepsTheSessionsAttrsAndSmartReadWriteToThePrimary() {
        assertThat(transaction(intent(SMART_READ_WRITE, PoolMode.SESSION), "SELECT 1")).isEqualTo(READ_WRITE);
        HostIntent preferring = intent(PREFER_STANDBY, PoolMode.SESSION);
        assertThat(transaction(preferring, "UPDATE t SET v = 1")).isEqualTo(PREFER_STANDBY);
        assertThat(preferring.next("UPDATE t SET v = 1", ANALYZER.analyze("UPDATE t SET v = 1"), true)).isNull();
    }

    private static TargetSessionAttrs parse(String spelling) {
        return TargetSessionAttrs.parse(spelling).orElseThrow();
    }
}
