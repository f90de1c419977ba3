package dev.shardgate.console.ast;

/**
 * {@code ALTER DISTRIBUTION ds ALTER RELATION r RENAME DISTRIBUTION COLUMN old TO new}: the
 * column's name in the metadata only, for a key attached under a name the table does not have.
 */
public record RenameDistributionColumn(String distribution, RelationName relation, String column, String newName)
        implements ConsoleStatement {
}
