package dev.shardgate.console.ast;

/**
 * {@code ALTER DISTRIBUTION ds ALTER RELATION r SCHEMA s}: the schema the relation is in, in the
 * metadata only; routing matches statements against it and data moves name the table in it.
 */
public record AlterRelationSchema(String distribution, RelationName relation, String schema) implements ConsoleStatement {
}
