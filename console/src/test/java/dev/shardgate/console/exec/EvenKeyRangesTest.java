package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.wire.SqlState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CREATE KEY RANGES: even ranges, round-robin over shards, in one metadata change. */
class EvenKeyRangesTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @BeforeEach
    void shards() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE SHARD sh2 WITH HOSTS 'pg2:5432';"
                + "CREATE SHARD sh3 WITH HOSTS 'pg3:5432'");
    }

    @Test
    void integerBoundsSplitEvenlyRoundRobin() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer");

        assertThat(console.answers("CREATE KEY RANGES 4 FOR DISTRIBUTION ds FROM -100 TO 100 ROUTE TO sh1, sh2, sh3"))
                .containsExactly("add key range: bound -> -100 / bound -> -50 / bound -> 0 / bound -> 50");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "ds", "-100", "false"),
                row("kr2", "sh2", "ds", "-50", "false"),
                row("kr3", "sh3", "ds", "0", "false"),
                row("kr4", "sh1", "ds", "50", "false"));
    }

    @Test
    void widthsDifferByAtMostOneKey() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer");
        console.run("CREATE KEY RANGES 3 FOR DISTRIBUTION ds FROM 0 TO 10 ROUTE TO sh1");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "ds", "0", "false"),
                row("kr2", "sh1", "ds", "3", "false"),
                row("kr3", "sh1", "ds", "6", "false"));
    }

    @Test
    void hashedDistributionsSplitTheWholeHashSpace() {
        console.run("CREATE DISTRIBUTION dh COLUMN TYPES varchar hash; CREATE KEY RANGE kr2 FROM 0 ROUTE TO sh1"
                + " FOR DISTRIBUTION dh; DROP KEY RANGE kr2");
        console.run("CREATE KEY RANGES 4 FOR DISTRIBUTION dh ROUTE TO sh1, sh2");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "dh", "0", "false"),
                row("kr2", "sh2", "dh", "1073741824", "false"),
                row("kr3", "sh1", "dh", "2147483648", "false"),
                row("kr4", "sh2", "dh", "3221225472", "false"));
        // A key routes by its hash: the shard of the range that holds murmur("alice").
        long hash = HashFunction.MURMUR.hashVarchar("alice");
        String expected = hash < 1073741824L || hash >= 2147483648L && hash < 3221225472L ? "sh1" : "sh2";
        assertThat(console.qdb.snapshot().index("dh").rangeFor(KeyBound.of(KeyValue.hash(hash))).orElseThrow().shardId())
                .isEqualTo(expected);
    }

    @Test
    void oddCountsCoverTheHashSpaceUpToItsLastValue() {
        console.run("CREATE DISTRIBUTION dh COLUMN TYPES integer hash");
        console.run("CREATE KEY RANGES 3 FOR DISTRIBUTION dh FROM 0 TO 4294967296 ROUTE TO sh1, sh2, sh3");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(
                row("kr1", "sh1", "dh", "0", "false"),
                row("kr2", "sh2", "dh", "1431655765", "false"),
                row("kr3", "sh3", "dh", "2863311530", "false"));
    }

    @Test
    void refusalsChangeNothing() {
        console.run("CREATE DISTRIBUTION ds COLUMN TYPES integer; CREATE DISTRIBUTION dv COLUMN TYPES varchar;"
                + "CREATE KEY RANGE kr9 FROM 500 ROUTE TO sh1 FOR DISTRIBUTION ds");

        console.fails("CREATE KEY RANGES 4 FOR DISTRIBUTION ds ROUTE TO sh1", SqlState.INVALID_PARAMETER_VALUE,
                "CREATE KEY RANGES for integer distribution \"ds\" needs FROM lower TO upper");
        console.fails("CREATE KEY RANGES 4 FOR DISTRIBUTION dv FROM 0 TO 10 ROUTE TO sh1", SqlState.DATATYPE_MISMATCH,
                "CREATE KEY RANGES needs a distribution of one integer or hashed column; distribution \"dv\" has [varchar]");
        console.fails("CREATE KEY RANGES 4 FOR DISTRIBUTION ds FROM 0 TO 1000 ROUTE TO sh1, sh7", SqlState.UNDEFINED_OBJECT,
                "shard \"sh7\" does not exist");
        console.fails("CREATE KEY RANGES 4 FOR DISTRIBUTION ds FROM 0 TO 1000 ROUTE TO sh1", SqlState.DUPLICATE_OBJECT,
                "key range \"kr9\" of distribution \"ds\" already starts inside [0, 1000); drop it first");
        console.fails("CREATE KEY RANGES 11 FOR DISTRIBUTION ds FROM 0 TO 10 ROUTE TO sh1", SqlState.INVALID_PARAMETER_VALUE,
                "cannot make 11 key ranges of at least one key each from 0 up to 10");
        console.fails("CREATE KEY RANGES 0 FOR DISTRIBUTION ds FROM 0 TO 10 ROUTE TO sh1", SqlState.INVALID_PARAMETER_VALUE,
                "CREATE KEY RANGES makes 1 to 4096 key ranges, got 0");
        console.fails("CREATE KEY RANGES 4 FOR DISTRIBUTION ds9 FROM 0 TO 10 ROUTE TO sh1", SqlState.UNDEFINED_OBJECT,
                "distribution \"ds9\" does not exist");

        assertThat(console.rows("SHOW key_ranges")).containsExactly(row("kr9", "sh1", "ds", "500", "false"));
    }
}
