package dev.shardgate.coordinator;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.PauseTraffic;
import dev.shardgate.console.ast.ResumeTraffic;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.coordinator.fleet.FleetTraffic;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The coordinator console's PAUSE and RESUME: each router the coordinator feeds does what its own
 * console would, and the answer has one row per router. A router that did not answer keeps its
 * traffic (its row says why); a router that registers or restarts later is not paused.
 */
final class TrafficStatements implements ConsoleExecutor.OwnStatements {
    static final List<String> COLUMNS = List.of("router_id", "address", "in_flight", "error");

    private final FleetTraffic traffic;

    TrafficStatements(FleetTraffic traffic) {
        this.traffic = traffic;
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof PauseTraffic || statement instanceof ResumeTraffic;
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        if (!traffic.isActive()) {
            throw new PgException(SqlState.READ_ONLY_SQL_TRANSACTION,
                    "this coordinator stands by: PAUSE and RESUME go through the active coordinator's console");
        }
        List<FleetTraffic.Answer> answers = switch (statement) {
            case PauseTraffic p -> traffic.pause(p.shard(), "PAUSE", null, Optional.empty());
            case ResumeTraffic r -> traffic.resume(r.shard(), Duration.ZERO);
            default -> throw new IllegalArgumentException("not a traffic statement: " + statement);
        };
        return new ConsoleResult.Rows(COLUMNS, answers.stream()
                .map(a -> Arrays.asList(a.router(), a.address(), Integer.toString(a.inFlight()), a.error()))
                .toList());
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return Optional.of(COLUMNS);
    }
}
