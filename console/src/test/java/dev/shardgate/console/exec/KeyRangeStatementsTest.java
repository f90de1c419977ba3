package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.wire.SqlState;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CREATE, DROP, SPLIT, UNITE, LOCK, UNLOCK and MOVE KEY RANGE. */
class KeyRangeStatementsTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @BeforeEach
    void shards() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE SHARD sh2 WITH HOSTS 'pg2:5432'");
    }

    @Test
    void createKeyRangeWithIdAndDistribution() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer");

        assertThat(console.answers("CREATE KEY RANGE krid1 FROM -100 ROUTE TO sh1 FOR DISTRIBUTION ds"))
                .containsExactly("add key range: bound -> -100");

        assertThat(console.qdb.snapshot().keyRange("krid1"))
                .contains(new KeyRange("krid1", KeyBound.of(KeyValue.integer(-100)), "sh1", "ds"));
    }

    @Test
    void generatedIdsAreTheLowestFreeKrNumbers() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2");

        console.run("CREATE KEY RANGE FROM 0 ROUTE TO sh1; CREATE KEY RANGE FROM 100 ROUTE TO sh1;"
                + "CREATE KEY RANGE FROM 200 ROUTE TO sh1");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "ds", "0", "false"),
                row("kr3", "sh1", "ds", "100", "false"),
                row("kr4", "sh1", "ds", "200", "false"),
                row("kr2", "sh2", "ds", "1000", "false"));
    }

    @Test
    void distributionMayBeOmittedOnlyWhenThereIsOne() {
        console.fails("CREATE KEY RANGE FROM 0 ROUTE TO sh1", SqlState.INVALID_OBJECT_DEFINITION,
                "distribution must be specified: no distribution exists");

        console.run("CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
        assertThat(console.answers("CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1")).containsExactly("add key range: bound -> 0");
        assertThat(console.qdb.snapshot().keyRange("kr1").orElseThrow().distributionId()).isEqualTo("ds1");

        console.run("CREATE DISTRIBUTION ds2 COLUMN TYPES integer");
        console.fails("CREATE KEY RANGE kr2 FROM 10 ROUTE TO sh1", SqlState.INVALID_OBJECT_DEFINITION,
                "distribution must be specified: there are 2 distributions");
    }

    @Test
    void aDistributionCreatedEarlierInTheSameQueryIsTheOnlyOne() {
        assertThat(console.answers("CREATE DISTRIBUTION ds COLUMN TYPES varchar; CREATE KEY RANGE FROM 'm' ROUTE TO sh2"))
                .containsExactly("add distribution: distribution id -> ds", "add key range: bound -> 'm'");
        assertThat(console.qdb.snapshot().keyRange("kr1").orElseThrow().lowerBound())
                .isEqualTo(KeyBound.of(KeyValue.varchar("m")));
    }

    @Test
    void boundsAreReadByTheColumnTypes() {
        console.run("CREATE DISTRIBUTION multi COLUMN TYPES integer, varchar, uuid, varchar hash");
        String uuid = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";

        console.run("CREATE KEY RANGE kr1 FROM '7', 'it''s', '" + uuid + "', 4294967295 ROUTE TO sh1");

        assertThat(console.qdb.snapshot().keyRange("kr1").orElseThrow().lowerBound()).isEqualTo(KeyBound.of(
                KeyValue.integer(7), KeyValue.varchar("it's"), KeyValue.uuid(UUID.fromString(uuid)), KeyValue.hash(4294967295L)));
        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "multi", "7, 'it''s', '" + uuid + "', 4294967295", "false"));
    }

    @Test
    void boundErrors() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer, varchar");

        console.fails("CREATE KEY RANGE kr1 FROM 1, 2 ROUTE TO sh1", SqlState.DATATYPE_MISMATCH,
                "bound value 2 is a number but column 2 of distribution \"ds\" is varchar; write it as a string: '2'");
        console.fails("CREATE KEY RANGE kr1 FROM 1 ROUTE TO sh1", SqlState.DATATYPE_MISMATCH,
                "bound has 1 value but distribution \"ds\" has 2 columns");
        console.fails("CREATE KEY RANGE kr1 FROM 'x', 'a' ROUTE TO sh1", SqlState.INVALID_TEXT_REPRESENTATION,
                "bound \"x\" is not a valid integer for column 1 (integer) of distribution \"ds\"");
        console.fails("CREATE KEY RANGE kr1 FROM 99999999999999999999, 'a' ROUTE TO sh1", SqlState.INVALID_TEXT_REPRESENTATION,
                "bound \"99999999999999999999\" is not a valid integer for column 1 (integer) of distribution \"ds\"");
    }

    @Test
    void createKeyRangeErrors() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.fails("CREATE KEY RANGE kr1 FROM 10 ROUTE TO sh1", SqlState.DUPLICATE_OBJECT, "key range \"kr1\" already exists");
        console.fails("CREATE KEY RANGE kr2 FROM 0 ROUTE TO sh1", SqlState.DUPLICATE_OBJECT,
                "key range kr2 equals key range kr1 in QDB");
        console.fails("CREATE KEY RANGE kr2 FROM 10 ROUTE TO sh9", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
        console.fails("CREATE KEY RANGE kr2 FROM 10 ROUTE TO sh1 FOR DISTRIBUTION nope", SqlState.UNDEFINED_OBJECT,
                "distribution \"nope\" does not exist");
    }

    @Test
    void dropKeyRangeAndDropAll() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE KEY RANGE kr3 FROM 20 ROUTE TO sh2;"
                + "CREATE KEY RANGE kr2 FROM 10 ROUTE TO sh1; CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        assertThat(console.answers("DROP KEY RANGE kr2")).containsExactly("drop key range: key range id -> kr2");
        console.fails("DROP KEY RANGE kr2", SqlState.UNDEFINED_OBJECT, "key range \"kr2\" does not exist");

        console.run("LOCK KEY RANGE kr3");
        console.fails("DROP KEY RANGE kr3", SqlState.OBJECT_IN_USE, "cannot drop key range \"kr3\" because it is locked");
        console.fails("DROP KEY RANGE ALL", SqlState.OBJECT_IN_USE,
                "cannot drop all key ranges because key ranges are locked: \"kr3\"");

        assertThat(console.answers("UNLOCK KEY RANGE kr3; DROP KEY RANGE ALL"))
                .containsExactly("unlock key range: key range id -> kr3", "drop key range: ");
        assertThat(console.qdb.snapshot().keyRanges()).isEmpty();
    }

    @Test
    void splitKeyRangeParsesTheBoundByTheSourcesDistribution() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES varchar; CREATE KEY RANGE kr1 FROM 'a' ROUTE TO sh1");

        assertThat(console.answers("SPLIT KEY RANGE kr2 FROM kr1 BY 'm'"))
                .containsExactly("split key range: key range id -> kr2 / bound        -> 'm'");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "ds", "'a'", "false"),
                row("kr2", "sh1", "ds", "'m'", "false"));
        console.fails("SPLIT KEY RANGE kr3 FROM kr1 BY 'z'", SqlState.INVALID_PARAMETER_VALUE,
                "split bound 'z' is not inside key range \"kr1\", which covers from 'a' (inclusive) to 'm' (exclusive); "
                        + "the bound must be above the lower bound and below the upper bound");
        console.fails("SPLIT KEY RANGE kr3 FROM kr9 BY 'b'", SqlState.UNDEFINED_OBJECT, "key range \"kr9\" does not exist");
        console.fails("SPLIT KEY RANGE kr3 FROM kr1 BY 5", SqlState.DATATYPE_MISMATCH,
                "bound value 5 is a number but column 1 of distribution \"ds\" is varchar; write it as a string: '5'");
        console.fails("SPLIT KEY RANGE kr2 FROM kr1 BY 'c'", SqlState.DUPLICATE_OBJECT, "key range \"kr2\" already exists");
    }

    @Test
    void uniteKeyRanges() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE KEY RANGE kr3 FROM 20 ROUTE TO sh2;"
                + "CREATE KEY RANGE kr2 FROM 10 ROUTE TO sh1; CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        console.fails("UNITE KEY RANGE kr2 WITH kr3", SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cannot unite key ranges \"kr2\" and \"kr3\": they route to shards \"sh1\" and \"sh2\"");
        assertThat(console.answers("UNITE KEY RANGE kr2 WITH kr1"))
                .containsExactly("merge key ranges: merge key range \"kr1\" into \"kr2\"");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr2", "sh1", "ds", "0", "false"),
                row("kr3", "sh2", "ds", "20", "false"));
    }

    @Test
    void lockUnlockAndMove() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1");

        assertThat(console.answers("LOCK KEY RANGE kr1")).containsExactly("lock key range: key range id -> kr1");
        assertThat(console.rows("SHOW key_ranges")).containsExactly(row("kr1", "sh1", "ds", "0", "true"));
        console.fails("LOCK KEY RANGE kr1", SqlState.OBJECT_IN_USE, "key range \"kr1\" is already locked");

        assertThat(console.answers("MOVE KEY RANGE kr1 TO sh2")).as("a move runs under the lock")
                .containsExactly("move key range: move key range kr1 to shard sh2");
        assertThat(console.answers("UNLOCK KEY RANGE kr1; UNLOCK KEY RANGE kr1"))
                .as("unlocking twice is no error")
                .containsExactly("unlock key range: key range id -> kr1", "unlock key range: key range id -> kr1");
        assertThat(console.rows("SHOW key_ranges")).containsExactly(row("kr1", "sh2", "ds", "0", "false"));

        console.fails("MOVE KEY RANGE kr1 TO sh9", SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
        console.fails("LOCK KEY RANGE kr9", SqlState.UNDEFINED_OBJECT, "key range \"kr9\" does not exist");
        console.fails("UNLOCK KEY RANGE kr9", SqlState.UNDEFINED_OBJECT, "key range \"kr9\" does not exist");
    }
}
