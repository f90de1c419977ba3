package dev.shardgate.qdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.meta.MetadataException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blocks of sequence values over one store; each store's test extends this. */
abstract class SequenceValuesContract {
    Qdb qdb;

    abstract Qdb newQdb();

    /** A second client of the same store, as a second router would be; the same object where there is no such thing. */
    abstract Qdb sameStore(Qdb first);

    @BeforeEach
    void open() {
        qdb = newQdb();
    }

    @AfterEach
    void closeQdb() {
        qdb.close();
    }

    @Test
    void firstBlockBeginsAtStartAndTheNextAfterIt() {
        assertThat(SequenceValues.next(qdb, "orders_id")).isEmpty();
        assertThat(SequenceValues.take(qdb, "orders_id", 1, 100)).isEqualTo(1);
        assertThat(SequenceValues.next(qdb, "orders_id")).isEqualTo(OptionalLong.of(101));
        assertThat(SequenceValues.take(qdb, "orders_id", 1, 10)).isEqualTo(101);
        assertThat(new String(qdb.get("sequences/orders_id").orElseThrow())).isEqualTo("111");
    }

    @Test
    void aHigherStartMovesTheSequenceUpButALowerOneNeverDown() {
        SequenceValues.take(qdb, "s", 1, 50);
        assertThat(SequenceValues.take(qdb, "s", 1000, 5)).isEqualTo(1000);
        assertThat(SequenceValues.take(qdb, "s", 1, 5)).isEqualTo(1005);
    }

    @Test
    void listsAndDropsSequences() {
        SequenceValues.take(qdb, "b", 7, 3);
        SequenceValues.take(qdb, "a", -5, 1);
        qdb.put("other/key", new byte[] {1});
        assertThat(SequenceValues.all(qdb)).containsExactly(java.util.Map.entry("a", -4L), java.util.Map.entry("b", 10L));
        SequenceValues.drop(qdb, "a");
        assertThat(SequenceValues.all(qdb)).containsOnlyKeys("b");
        assertThat(SequenceValues.take(qdb, "a", 1, 1)).isEqualTo(1);
    }

    @Test
    void refusesToPassTheLargestBigint() {
        SequenceValues.take(qdb, "s", Long.MAX_VALUE - 10, 5);
        assertThatThrownBy(() -> SequenceValues.take(qdb, "s", 1, 10))
                .isInstanceOf(MetadataException.class)
                .hasMessage("sequence \"s\" reached its maximum value (9223372036854775807)")
                .satisfies(e -> assertThat(((MetadataException) e).sqlState()).isEqualTo("22003"));
    }

    @Test
    void reportsAValueThatIsNoNumber() {
        qdb.put("sequences/s", "twelve".getBytes());
        assertThatThrownBy(() -> SequenceValues.take(qdb, "s", 1, 1))
                .isInstanceOf(QdbException.class)
                .hasMessageContaining("qdb key sequences/s is corrupt: \"twelve\" is not a sequence value");
    }

    @Test
    void concurrentTakersNeverShareAValue() throws Exception {
        Qdb second = sameStore(qdb);
        int takers = 8;
        int blocksEach = 40;
        ExecutorService pool = Executors.newFixedThreadPool(takers);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < takers; t++) {
                Qdb store = t % 2 == 0 ? qdb : second;
                Callable<List<Long>> taker = () -> {
                    List<Long> firsts = new ArrayList<>();
                    for (int b = 0; b < blocksEach; b++) {
                        firsts.add(SequenceValues.take(store, "shared", 1, 10));
                    }
                    return firsts;
                };
                results.add(pool.submit(taker));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get());
            }
            // blocks of 10 that never overlap, with no gap: exactly 1, 11, 21, …
            assertThat(all).doesNotHaveDuplicates().hasSize(takers * blocksEach);
            assertThat(all.stream().sorted().toList()).isEqualTo(
                    java.util.stream.LongStream.range(0, takers * blocksEach).map(i -> 1 + 10 * i).boxed().toList());
            assertThat(SequenceValues.next(qdb, "shared")).isEqualTo(OptionalLong.of(1 + 10L * takers * blocksEach));
        } finally {
            pool.shutdownNow();
            if (second != qdb) {
                second.close();
            }
        }
    }
}
