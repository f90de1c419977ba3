package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.parse.ConsoleParser;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPQR's rule for CREATE KEY RANGE: the nearest existing range (greatest lower bound not above the
 * new one) must not have the same bound, nor route to another shard.
 */
class KeyRangeOverlapTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @BeforeEach
    void distribution() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE SHARD sh2 WITH HOSTS 'pg2:5432';"
                + "CREATE DISTRIBUTION ds COLUMN TYPES integer");
    }

    @Test
    void aRangeInsideARangeOfAnotherShardIsRefusedAsSpqrDoes() {
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        PgException e = console.fails("CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2", SqlState.INVALID_OBJECT_DEFINITION,
                "key range kr2 intersects with key range kr1 in QDB");

        assertThat(e.detail()).isEqualTo("Key range \"kr1\" routes the keys from 0 upward to shard \"sh1\"; "
                + "key range \"kr2\" would route those from 1000 to shard \"sh2\".");
        assertThat(e.hint()).isEqualTo("Create key ranges from the highest lower bound down; "
                + "to give part of key range \"kr1\" to another shard, SPLIT it and move the new range.");
    }

    @Test
    void theNearestRangeBelowDecidesNotTheOthers() {
        console.run("CREATE KEY RANGE kr3 FROM 200 ROUTE TO sh1");
        console.run("CREATE KEY RANGE kr2 FROM 100 ROUTE TO sh2");
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        // 150 lies in kr2 (sh2), though kr1 and kr3 route to sh1.
        PgException e = console.fails("CREATE KEY RANGE x FROM 150 ROUTE TO sh1", SqlState.INVALID_OBJECT_DEFINITION,
                "key range x intersects with key range kr2 in QDB");
        assertThat(e.detail()).startsWith("Key range \"kr2\" routes the keys from 100 up to 200 to shard \"sh2\";");
        console.run("CREATE KEY RANGE y FROM 150 ROUTE TO sh2");
    }

    @Test
    void anEqualBoundIsRefusedWithSpqrsText() {
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.fails("CREATE KEY RANGE kr2 FROM 0 ROUTE TO sh1", SqlState.DUPLICATE_OBJECT, "key range kr2 equals key range kr1 in QDB");
        console.fails("CREATE KEY RANGE kr2 FROM 0 ROUTE TO sh2", SqlState.DUPLICATE_OBJECT, "key range kr2 equals key range kr1 in QDB");
        console.fails("CREATE KEY RANGE kr2 FROM 5 ROUTE TO sh1; CREATE KEY RANGE kr3 FROM 5 ROUTE TO sh2",
                SqlState.DUPLICATE_OBJECT, "key range kr3 equals key range kr2 in QDB");
    }

    @Test
    void aRangeInsideARangeOfTheSameShardIsAccepted() {
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        assertThat(console.answers("CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh1")).containsExactly("add key range: bound -> 1000");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "ds", "0", "false"),
                row("kr2", "sh1", "ds", "1000", "false"));
    }

    @Test
    void rangesCreatedFromTheHighestBoundDownAreAccepted() {
        console.run("CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh1");
        console.run("CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2");
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "ds", "0", "false"),
                row("kr2", "sh2", "ds", "1000", "false"),
                row("kr3", "sh1", "ds", "2000", "false"));
    }

    @Test
    void aTakenIdAndAMissingShardAreReportedFirst() {
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.fails("CREATE KEY RANGE kr1 FROM 1000 ROUTE TO sh2", SqlState.DUPLICATE_OBJECT, "key range \"kr1\" already exists");
        console.fails("CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh9", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
    }

    @Test
    void rangesOfOtherDistributionsDoNotCount() {
        console.run("CREATE DISTRIBUTION other COLUMN TYPES integer; CREATE KEY RANGE o1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION other");

        console.run("CREATE KEY RANGE kr1 FROM 500 ROUTE TO sh2 FOR DISTRIBUTION ds");
        console.fails("CREATE KEY RANGE kr2 FROM 600 ROUTE TO sh1 FOR DISTRIBUTION ds", SqlState.INVALID_OBJECT_DEFINITION,
                "key range kr2 intersects with key range kr1 in QDB");
    }

    @Test
    void theRangesOfOneQueryAreOneSetInAnyOrder() {
        // init_sql and a multi-statement query create their ranges together: only distinct bounds count.
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1; CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2;"
                + "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh1");

        assertThat(console.qdb.snapshot().keyRanges().keySet()).containsExactly("kr1", "kr2", "kr3");
    }

    @Test
    void aQueryMayNotCutIntoARangeThatExistedBeforeIt() {
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.fails("CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh1; CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2",
                SqlState.INVALID_OBJECT_DEFINITION, "key range kr2 intersects with key range kr1 in QDB");
    }

    @Test
    void aRangeDroppedOrMovedEarlierInTheQueryIsSeenAsItIsThen() {
        console.run("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.run("MOVE KEY RANGE kr1 TO sh2; CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2");
        console.run("DROP KEY RANGE kr2; DROP KEY RANGE kr1; CREATE KEY RANGE kr3 FROM 500 ROUTE TO sh1");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(row("kr3", "sh1", "ds", "500", "false"));
    }

    @Test
    void anExtendedProtocolBatchIsOneSetAndCountsAsExistingOnceCommitted() {
        ConsoleExecutor.Batch batch = console.executor.batch();
        batch.execute(ConsoleParser.parse("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1").getFirst());
        batch.execute(ConsoleParser.parse("CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2").getFirst());
        batch.commit();
        assertThat(console.qdb.snapshot().keyRanges().keySet()).containsExactly("kr1", "kr2");

        PgException e = catchThrowableOfType(PgException.class,
                () -> batch.execute(ConsoleParser.parse("CREATE KEY RANGE kr3 FROM 1500 ROUTE TO sh1").getFirst()));
        assertThat(e.sqlState()).isEqualTo(SqlState.INVALID_OBJECT_DEFINITION);
        assertThat(e.getMessage()).isEqualTo("key range kr3 intersects with key range kr2 in QDB");
    }

    @Test
    void hashedBoundsFollowTheSameRule() {
        console.run("CREATE DISTRIBUTION h COLUMN TYPES varchar hash;"
                + "CREATE KEY RANGE h1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION h");

        console.fails("CREATE KEY RANGE h2 FROM 2147483648 ROUTE TO sh2 FOR DISTRIBUTION h", SqlState.INVALID_OBJECT_DEFINITION,
                "key range h2 intersects with key range h1 in QDB");
    }
}
