package dev.shardgate.router.catalog;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.PositionalInsert;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.TableRef;

import java.util.ArrayList;
import java.util.List;

/**
 * Names the values of {@code INSERT INTO t VALUES (…)} (no column list) into a distributed relation
 * by the relation's column order, as a shard's catalog has it (the router's {@link CatalogCache}
 * keeps it a few seconds; DDL through the router clears it), so that the rows are routed by their
 * key as with the column list written out. Every shard has the same columns in the same order: DDL
 * on a distributed relation runs on every shard.
 */
public final class InsertColumnOrder {
    private InsertColumnOrder() {
    }

    /** The analysis with such INSERTs named; the same analysis when it has none. */
    public static Analysis named(Analysis analysis, Metadata metadata, Catalog catalog) {
        List<Statement> statements = null;
        for (int i = 0; i < analysis.statements().size(); i++) {
            Statement statement = analysis.statements().get(i);
            TableRef table = PositionalInsert.relationOf(statement);
            if (table == null || metadata.relation(new QualifiedName(table.schema(), table.name())).isEmpty()) {
                continue;
            }
            List<String> columns = catalog.columns(table);
            if (columns.isEmpty()) {
                continue; // PostgreSQL says the relation does not exist; until then it is refused as before
            }
            if (statements == null) {
                statements = new ArrayList<>(analysis.statements());
            }
            statements.set(i, PositionalInsert.named(statement, columns));
        }
        return statements == null ? analysis : new Analysis(statements, analysis.parseError());
    }
}
