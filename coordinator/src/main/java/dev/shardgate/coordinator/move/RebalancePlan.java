package dev.shardgate.coordinator.move;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A REBALANCE DISTRIBUTION as stored in the QDB: its steps and how far it got. Steps before
 * {@code nextStep} are done; the one at {@code nextStep} runs (or failed, or was stopped).
 */
record RebalancePlan(String distributionId, boolean byBytes, int thresholdPercent, State state, String error,
                     List<RebalanceStep> steps, int nextStep) {
    /** What REBALANCE (also with DRY RUN) answers: the plan. */
    static final List<String> COLUMNS = List.of("step", "kind", "key_range_id", "bound", "from_shard_id", "to_shard_id",
            "est_rows", "est_bytes");
    /** What SHOW rebalance answers: the plan and its progress. */
    static final List<String> SHOW_COLUMNS = List.of("distribution_id", "step", "kind", "key_range_id", "bound",
            "from_shard_id", "to_shard_id", "est_rows", "est_bytes", "task_group_id", "state", "error");

    enum State {
        /** Steps are running, or resume when the active coordinator starts. */
        RUNNING,
        /** Every step ran. */
        FINISHED,
        /** STOP TASK GROUP ended a move of the plan; the rest of the plan was dropped. */
        STOPPED,
        /** A split failed; REBALANCE again measures and plans anew. */
        FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    RebalancePlan {
        Objects.requireNonNull(distributionId);
        Objects.requireNonNull(state);
        error = error == null ? "" : error;
        steps = List.copyOf(steps);
    }

    RebalancePlan inState(State newState, String newError) {
        return new RebalancePlan(distributionId, byBytes, thresholdPercent, newState, newError, steps, nextStep);
    }

    RebalancePlan stepDone() {
        int next = nextStep + 1;
        return new RebalancePlan(distributionId, byBytes, thresholdPercent, next >= steps.size() ? State.FINISHED : state,
                error, steps, next);
    }

    RebalancePlan withStep(RebalanceStep step) {
        List<RebalanceStep> changed = new ArrayList<>(steps);
        changed.set(step.number() - 1, step);
        return new RebalancePlan(distributionId, byBytes, thresholdPercent, state, error, changed, nextStep);
    }

    boolean isRunning() {
        return state == State.RUNNING;
    }

    List<List<String>> rows() {
        return steps.stream().map(s -> List.of(Integer.toString(s.number()), s.kind().name(), s.keyRangeId(), s.boundText(),
                s.fromShard(), s.toShard(), Long.toString(s.rows()), Long.toString(s.bytes()))).toList();
    }

    List<List<String>> showRows() {
        List<List<String>> rows = new ArrayList<>();
        for (RebalanceStep s : steps) {
            int index = s.number() - 1;
            String stepState = index < nextStep ? "done"
                    : index > nextStep ? (state == State.RUNNING ? "pending" : "dropped")
                    : state == State.RUNNING ? "running" : state.label();
            rows.add(Arrays.asList(distributionId, Integer.toString(s.number()), s.kind().name(), s.keyRangeId(),
                    s.boundText(), s.fromShard(), s.toShard(), Long.toString(s.rows()), Long.toString(s.bytes()),
                    s.taskGroupId().orElse(null), stepState, index == nextStep && !error.isEmpty() ? error : null));
        }
        return rows;
    }
}
