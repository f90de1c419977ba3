package dev.shardgate.router.sequence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.qdb.EtcdQdb;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.SequenceValues;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Values handed out from blocks: in order on one router, never twice across routers. */
class SequenceBlocksTest {

    private static List<Long> list(long[] values) {
        return LongStream.of(values).boxed().toList();
    }

    @Test
    void handsOutConsecutiveValuesAndTakesABlockOnlyWhenOneIsUsedUp() {
        MemoryQdb qdb = new MemoryQdb();
        SequenceBlocks blocks = new SequenceBlocks(qdb, 10);

        assertThat(list(blocks.next("orders_id", 1, 3))).containsExactly(1L, 2L, 3L);
        assertThat(SequenceValues.next(qdb, "orders_id")).hasValue(11);
        assertThat(list(blocks.next("orders_id", 1, 7))).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(SequenceValues.next(qdb, "orders_id")).hasValue(11);
        assertThat(list(blocks.next("orders_id", 1, 1))).containsExactly(11L);
        assertThat(SequenceValues.next(qdb, "orders_id")).hasValue(21);
    }

    @Test
    void aLargeRequestTakesOneBlockAsLargeAsItNeeds() {
        MemoryQdb qdb = new MemoryQdb();
        SequenceBlocks blocks = new SequenceBlocks(qdb, 10);
        blocks.next("s", 1, 8);

        long[] values = blocks.next("s", 1, 25);

        assertThat(list(values)).isEqualTo(LongStream.rangeClosed(9, 33).boxed().toList());
        assertThat(SequenceValues.next(qdb, "s")).hasValue(11 + 23);
    }

    @Test
    void aRaisedStartDropsTheValuesHeldBelowIt() {
        MemoryQdb qdb = new MemoryQdb();
        SequenceBlocks blocks = new SequenceBlocks(qdb, 100);
        blocks.next("s", 1, 1);

        assertThat(list(blocks.next("s", 5000, 2))).containsExactly(5000L, 5001L);
        assertThat(list(blocks.next("s", 1, 1))).containsExactly(5002L);
    }

    @Test
    void sequencesAreIndependent() {
        SequenceBlocks blocks = new SequenceBlocks(new MemoryQdb(), 5);
        assertThat(list(blocks.next("a", 1, 2))).containsExactly(1L, 2L);
        assertThat(list(blocks.next("b", 100, 2))).containsExactly(100L, 101L);
        assertThat(list(blocks.next("a", 1, 1))).containsExactly(3L);
    }

    @Test
    void twoRoutersOnOneStoreNeverHandOutTheSameValue() throws Exception {
        MemoryQdb qdb = new MemoryQdb();
        assertNoValueTwice(new SequenceBlocks(qdb, 7), new SequenceBlocks(qdb, 13), 60);
    }

    @Test
    void twoRoutersOnOneEtcdNeverHandOutTheSameValue() throws Exception {
        try (LocalEtcd etcd = LocalEtcd.start()) {
            String prefix = "/test/" + UUID.randomUUID();
            try (Qdb first = EtcdQdb.open(etcd.endpoints(), prefix); Qdb second = EtcdQdb.open(etcd.endpoints(), prefix)) {
                assertNoValueTwice(new SequenceBlocks(first, 10), new SequenceBlocks(second, 7), 20);
                assertThat(SequenceValues.next(first, "shared")).isPresent();
            }
        }
    }

    /** Four threads per router, each taking single values and small batches, as concurrent INSERTs do. */
    private static void assertNoValueTwice(SequenceBlocks one, SequenceBlocks other, int insertsEach) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                SequenceBlocks blocks = t % 2 == 0 ? one : other;
                int batch = 1 + t % 3;
                Callable<List<Long>> inserts = () -> {
                    List<Long> taken = new ArrayList<>();
                    for (int i = 0; i < insertsEach; i++) {
                        taken.addAll(list(blocks.next("shared", 1, batch)));
                    }
                    return taken;
                };
                results.add(pool.submit(inserts));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get());
            }
            assertThat(all).hasSize(insertsEach * (1 + 2 + 3 + 1 + 2 + 3 + 1 + 2)).doesNotHaveDuplicates();
            assertThat(all).allSatisfy(value -> assertThat(value).isPositive());
        } finally {
            pool.shutdownNow();
        }
    }
}
