package dev.shardgate.router;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.Reload;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;

import java.util.List;
import java.util.Optional;

/** {@code RELOAD} on the router's console: one row per changed key, SHOW-like. */
final class ReloadConsole implements ConsoleExecutor.OwnStatements {
    static final List<String> COLUMNS = List.of("key", "old_value", "new_value", "status");

    private final ConfigReloader reloader;

    ReloadConsole(ConfigReloader reloader) {
        this.reloader = reloader;
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof Reload;
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return new ConsoleResult.Rows(COLUMNS, reloader.reload("RELOAD").stream()
                .map(change -> List.of(change.key(), change.oldValue(), change.newValue(), change.status()))
                .toList());
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return Optional.of(COLUMNS);
    }
}
