package dev.shardgate.router;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.RecoverTwoPhase;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.router.twophase.TwoPhaseRecovery;

import java.util.List;
import java.util.Optional;

/** The console statements the router answers itself: {@code RECOVER TWO PHASE}. */
final class TwoPhaseConsole implements ConsoleExecutor.OwnStatements {
    private static final List<String> COLUMNS = List.of("gid", "shard", "action");

    private final RouterContext context;

    TwoPhaseConsole(RouterContext context) {
        this.context = context;
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof RecoverTwoPhase;
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        List<TwoPhaseRecovery.Action> actions = context.recoverTwoPhase();
        return new ConsoleResult.Rows(COLUMNS, actions.stream()
                .map(a -> List.of(a.gid(), a.shard(), a.action())).toList());
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return Optional.of(COLUMNS);
    }
}
