package dev.shardgate.coordinator;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import java.util.List;
import java.util.Optional;

/** The console statements only the coordinator answers, each by the first part that handles it. */
record CoordinatorStatements(List<ConsoleExecutor.OwnStatements> parts) implements ConsoleExecutor.OwnStatements {

    @Override
    public boolean handles(ConsoleStatement statement) {
        return parts.stream().anyMatch(part -> part.handles(statement));
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return owner(statement).run(statement);
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return owner(statement).describe(statement);
    }

    private ConsoleExecutor.OwnStatements owner(ConsoleStatement statement) {
        return parts.stream().filter(part -> part.handles(statement)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no part handles " + statement));
    }
}
