package dev.shardgate.coordinator.move;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test hook that stops a move just before a named step, or after it ran but before that was
 * recorded, to prove every step can be resumed: {@code <step>} or {@code <step>-done}, optionally
 * followed by {@code :<batch>} (batch numbers start at 1), e.g. {@code copy:2}, {@code delete-done:1}; and
 * {@code delete-commit}, inside DELETE between recording its transaction and committing it.
 *
 * <p>The environment variable {@code SHARDGATE_MOVE_FAIL_AT} halts the coordinator's JVM with
 * exit code 137, as SIGKILL would, without any cleanup. The system property
 * {@code shardgate.move.fail_at} (read each time, for in-process tests) fails the step instead,
 * which leaves the group in state ERROR with the step recorded. Unset in production.
 */
final class FailPoint {
    static final String ENVIRONMENT_VARIABLE = "SHARDGATE_MOVE_FAIL_AT";
    static final String SYSTEM_PROPERTY = "shardgate.move.fail_at";
    private static final Logger log = LoggerFactory.getLogger(FailPoint.class);

    private FailPoint() {
    }

    /** Before {@code step} runs. */
    static void check(MoveStep step, TaskGroup group) {
        check(step.label(), "before step " + step.label(), group);
    }

    /** After {@code step} ran, before the group records it. */
    static void checkDone(MoveStep step, TaskGroup group) {
        check(step.label() + "-done", "after step " + step.label(), group);
    }

    /**
     * Inside a step, at a point named {@code <step>-<point>}: {@code delete-commit} is after DELETE
     * recorded its transaction's id and before that transaction commits.
     */
    static void checkInside(MoveStep step, String point, TaskGroup group) {
        check(step.label() + "-" + point, "inside step " + step.label() + " (" + point + ")", group);
    }

    private static void check(String point, String where, TaskGroup group) {
        Optional.ofNullable(System.getenv(ENVIRONMENT_VARIABLE)).filter(spec -> matches(spec, point, group)).ifPresent(spec -> {
            log.error("event=move_fail_point action=halt task_group={} batch={} point={}", group.id(), group.batchNumber(), point);
            Runtime.getRuntime().halt(137);
        });
        String property = System.getProperty(SYSTEM_PROPERTY);
        if (property != null && matches(property, point, group)) {
            throw new PgException(SqlState.INTERNAL_ERROR,
                    "failure injected " + where + " of batch " + group.batchNumber());
        }
    }

    private static boolean matches(String spec, String point, TaskGroup group) {
        String[] parts = spec.trim().split(":");
        if (!parts[0].equalsIgnoreCase(point)) {
            return false;
        }
        return parts.length < 2 || parts[1].trim().equals(Integer.toString(group.batchNumber()));
    }
}
