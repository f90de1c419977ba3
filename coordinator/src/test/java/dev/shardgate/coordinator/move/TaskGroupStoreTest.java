package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.qdb.MemoryQdb;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TaskGroupStoreTest {
    private final TaskGroupStore store = new TaskGroupStore(new MemoryQdb());

    @Test
    void aGroupSurvivesTheRoundTripAtEveryStage() {
        TaskGroup group = TaskGroup.planned(store.nextId(), "kr1", "ds1", "sh1", "sh2", 100);
        assertThat(store.create(group)).isTrue();
        assertThat(store.create(group)).isFalse();
        assertThat(store.get(group.id())).contains(group);

        // A varchar bound that looks like a number, with a quote, stays a string.
        TaskGroup planned = group.inState(TaskState.RUNNING, "")
                .planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(7), new KeyValue.VarcharValue("0'12"))), 100);
        TaskGroup copying = planned.at(MoveStep.LOCK).locked(1234);
        TaskGroup moving = copying.moving(987_654_321_012L, 42);
        for (TaskGroup stage : List.of(planned, copying, moving, moving.withStopRequested(),
                moving.inState(TaskState.ERROR, "batch 1, step copy: boom"))) {
            store.save(stage);
            assertThat(store.get(group.id())).contains(stage);
        }
        assertThat(moving.batchBound()).contains(List.of("7", "0'12"));
        assertThat(moving.nextRestId()).contains("kr1_tg1_2");
        assertThat(moving.step()).isEqualTo(MoveStep.COPY);
        assertThat(moving.batchRows()).isEqualTo(42);
        // the next batch starts without the last one's transaction
        assertThat(moving.batchDone(42, 5).deleteTransaction()).isZero();
    }

    @Test
    void aGroupSizedByTimeKeepsItsLockTimeAndItsCurrentBatchSize() {
        TaskGroup group = TaskGroup.planned(store.nextId(), "kr1", "ds1", "sh1", "sh2", 10_000, 500);
        store.create(group);
        TaskGroup second = group.planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(10_000))), 10_000)
                .batchDone(10_000, 120).planned(Optional.empty(), 40_000);
        store.save(second);
        assertThat(store.get(group.id())).contains(second);
        assertThat(second.isSizedByTime()).isTrue();
        assertThat(second.batchSize()).isEqualTo(40_000);
        assertThat(TaskGroup.planned("tg9", "kr1", "ds1", "sh1", "sh2", 500).isSizedByTime()).isFalse();
    }

    @Test
    void aBatchSizedByTimeScalesTheLastOneToTheLockWantedGrowingAtMostEightfoldShrinkingAtMostByHalfAndAHashedOneNever() {
        TaskGroup first = TaskGroup.planned("tg1", "kr1", "ds1", "sh1", "sh2", 10_000, 500);
        assertThat(first.nextBatchRows(false)).isEqualTo(10_000);
        TaskGroup planned = first.planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(10_000))), 10_000);
        assertThat(planned.batchDone(10_000, 200).nextBatchRows(false)).isEqualTo(25_000);
        assertThat(planned.batchDone(10_000, 20).nextBatchRows(false)).isEqualTo(80_000);
        // a lock far too long halves the next batch, no more: it may not shrink with the rows
        assertThat(planned.batchDone(10_000, 700).nextBatchRows(false)).isEqualTo(7_142);
        assertThat(planned.batchDone(10_000, 1_000_000).nextBatchRows(false)).isEqualTo(5_000);
        // a hashed batch scans the whole relation: it keeps its rows when its lock is long, grows when short
        assertThat(planned.batchDone(10_000, 1_000_000).nextBatchRows(true)).isEqualTo(10_000);
        assertThat(planned.batchDone(10_000, 200).nextBatchRows(true)).isEqualTo(25_000);
        TaskGroup small = TaskGroup.planned("tg3", "kr1", "ds1", "sh1", "sh2", 600, 500)
                .planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(600))), 600);
        assertThat(small.batchDone(600, 10_000).nextBatchRows(false)).isEqualTo(500);
        // a fixed batch size stays what it is
        TaskGroup fixed = TaskGroup.planned("tg2", "kr1", "ds1", "sh1", "sh2", 700)
                .planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(700))), 700);
        assertThat(fixed.batchDone(700, 5_000).nextBatchRows(false)).isEqualTo(700);
    }

    @Test
    void aFinishedBatchMakesItsRangeTheMovedPartAndTheRestTheNextBatch() {
        TaskGroup group = TaskGroup.planned("tg1", "kr1", "ds1", "sh1", "sh2", 10)
                .planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(10))), 10);
        TaskGroup first = group.batchDone(10, 5);
        assertThat(first.movedId()).contains("kr1");
        assertThat(first.restId()).isEqualTo("kr1_tg1_2");
        assertThat(first.batchNumber()).isEqualTo(2);
        assertThat(first.step()).isEqualTo(MoveStep.PLAN);
        assertThat(first.rowsMoved()).isEqualTo(10);
        assertThat(first.lastLockMillis()).isEqualTo(5);

        TaskGroup last = first.planned(Optional.empty(), 10);
        assertThat(last.isLastBatch()).isTrue();
        assertThat(last.batchRangeId()).isEqualTo("kr1_tg1_2");
    }

    @Test
    void idsComeFromASequenceAndListInNumericOrder() {
        for (int i = 0; i < 11; i++) {
            store.create(TaskGroup.planned(store.nextId(), "kr" + i, "ds1", "sh1", "sh2", 1));
        }
        assertThat(store.all()).extracting(TaskGroup::id).startsWith("tg1", "tg2").endsWith("tg10", "tg11");
        store.remove("tg2");
        assertThat(store.get("tg2")).isEmpty();
    }
}
