package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.qdb.MemoryQdb;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RebalanceStoreTest {
    private final RebalanceStore store = new RebalanceStore(new MemoryQdb());

    @Test
    void aPlanSurvivesTheRoundTripAndShowsItsProgress() {
        KeyBound at = KeyBound.of(new KeyValue.IntegerValue(7), new KeyValue.VarcharValue("0'12"));
        RebalancePlan plan = new RebalancePlan("ds1", true, 5, RebalancePlan.State.RUNNING, "", List.of(
                RebalanceStep.split(1, "kr2", "kr1", at, "sh1", 10, 1000),
                RebalanceStep.move(2, "kr2", at, Optional.empty(), "sh1", "sh2", 10, 1000),
                RebalanceStep.move(3, "kr1", KeyBound.of(new KeyValue.IntegerValue(0), new KeyValue.VarcharValue("")),
                        Optional.of(at), "sh1", "sh3", 20, 2000)), 0);
        assertThat(store.replace(null, plan)).isTrue();
        assertThat(store.replace(null, plan)).as("one plan at a time").isFalse();
        assertThat(store.get()).contains(plan);

        RebalancePlan moving = plan.stepDone().withStep(plan.steps().get(1).withTaskGroup("tg4"));
        store.save(moving);
        assertThat(store.get()).contains(moving);
        // The varchar bound that looks like a number, with a quote, stays a string.
        assertThat(store.get().orElseThrow().steps().get(1).lower()).containsExactly("7", "0'12");
        assertThat(moving.showRows()).extracting(row -> row.get(1) + " " + row.get(2) + " " + row.get(4) + " " + row.get(9)
                + " " + row.get(10)).containsExactly(
                "1 SPLIT from kr1 at (7, 0'12) null done",
                "2 MOVE >= (7, 0'12) tg4 running",
                "3 MOVE [(0, ), (7, 0'12)) null pending");

        RebalancePlan stopped = moving.inState(RebalancePlan.State.STOPPED, "task group tg4 was stopped");
        store.save(stopped);
        assertThat(store.get().orElseThrow().showRows()).extracting(row -> row.get(10) + " " + row.get(11)).containsExactly(
                "done null", "stopped task group tg4 was stopped", "dropped null");
        assertThat(moving.stepDone().stepDone().state()).isEqualTo(RebalancePlan.State.FINISHED);
    }
}
