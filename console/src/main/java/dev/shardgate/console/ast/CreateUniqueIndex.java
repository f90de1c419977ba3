package dev.shardgate.console.ast;

import java.util.List;

/** SPQR's {@code CREATE UNIQUE INDEX id ON r COLUMNS (col TYPE, …)}; metadata only. */
public record CreateUniqueIndex(String id, RelationName relation, List<TypedColumn> columns) implements ConsoleStatement {
    public CreateUniqueIndex {
        columns = List.copyOf(columns);
    }

    /** @param type as {@code CREATE DISTRIBUTION}'s column types: {@code integer}, {@code varchar hash}, … */
    public record TypedColumn(String column, String type) {
    }
}
