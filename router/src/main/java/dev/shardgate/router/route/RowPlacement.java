package dev.shardgate.router.route;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.InsertRow;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.Write;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.List;
import java.util.Optional;

/**
 * Refuses what could leave a row of a distributed relation on a shard whose key ranges do not hold
 * its key: a new key assigned to existing rows (the row would stay where its old key lives), rows
 * whose key the router cannot see (the shard computes it: INSERT … SELECT, DEFAULT, a function,
 * MERGE … INSERT), and new rows of a statement that does not run on exactly their shard. Writes
 * count at any depth: WITH queries, EXPLAIN ANALYZE, COPY (query).
 */
final class RowPlacement {
    private RowPlacement() {
    }

    /** Checks what the statement itself tells, before it is routed. */
    static void check(Metadata metadata, Statement statement, BoundValues bound) {
        for (Write write : statement.writes()) {
            Optional<DistributedRelation> found = relation(metadata, write);
            if (found.isEmpty()) {
                continue;
            }
            DistributedRelation relation = found.get();
            for (String column : relation.valueColumns()) {
                if (write.assignedColumns().contains(column) && !KeyUpdates.isKeyUpdate(statement, relation)) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "updating the distribution key column \""
                            + column + "\" of relation \"" + write.table().qualifiedName() + "\" is not supported here: "
                            + KeyUpdates.whyNot(statement, write, relation))
                            .withHint("Give the key a constant or parameter (or key + constant) in an UPDATE of its own, or DELETE"
                                    + " the row and INSERT it with the new key: the router sends it to the new key's shard.");
                }
            }
            if (statement.kind() == StatementKind.PREPARE) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "PREPARE of a statement that writes distributed"
                        + " relation \"" + write.table().qualifiedName() + "\" is not supported: its EXECUTE names no key to route by")
                        .withHint("Use the extended query protocol (a driver's prepared statements): the router routes each Bind.");
            }
            if (write.unknownRows() != null) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, write.unknownRows() + " into distributed relation \""
                        + write.table().qualifiedName() + "\" is not supported: the router cannot tell which shard each new row belongs to")
                        .withHint("Insert the rows with INSERT … (columns) VALUES naming the distribution key "
                                + keyColumns(relation) + ", or with COPY … FROM STDIN.");
            }
            if (write.kind() == Write.Kind.INSERT) {
                requireKnownKeys(metadata, statement, write, relation, bound);
            }
        }
    }

    /** Every row the write adds names each key column as a constant or (when values are bound) a parameter. */
    private static void requireKnownKeys(Metadata metadata, Statement statement, Write write, DistributedRelation relation,
                                         BoundValues bound) {
        var types = StatementRouter.columnTypes(metadata, relation);
        for (InsertRow row : statement.insertRows()) {
            if (!row.table().equals(write.table())) {
                continue;
            }
            List<String> columns = relation.valueColumns();
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i);
                var value = row.values().get(column);
                if (value instanceof dev.shardgate.sql.Value.Param && bound == null) {
                    continue; // routed when its value is bound
                }
                if (KeyValues.of(value, StatementRouter.typeAt(types, i), true, bound) instanceof KeyValues.Key.Unknown) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a new row of distributed relation \""
                            + write.table().qualifiedName() + "\" must give distribution key column \"" + column
                            + "\" a constant or parameter value: the router cannot place a row whose key the shard"
                            + " computes (a column default, DEFAULT, NULL, a function, a subquery)")
                            .withHint("Compute the key in the application, or let the router fill it: ATTACH RELATION … AUTO INCREMENT "
                                    + column + ".");
                }
            }
        }
    }

    /**
     * Checks that a statement adding rows to a distributed relation runs where those rows belong: on
     * their one shard, or split per shard by the multi-shard INSERT … VALUES path.
     *
     * @return {@code route} itself
     */
    static Route requireRowsOnRoute(Metadata metadata, Statement statement, Route route) {
        if (route instanceof Route.OneShard) {
            return route; // every new row's key chose it
        }
        for (Write write : statement.writes()) {
            Optional<DistributedRelation> relation = relation(metadata, write);
            if (relation.isEmpty() || !write.addsRows()) {
                continue;
            }
            boolean regrouped = route instanceof Route.ManyShards && statement.kind() == StatementKind.INSERT
                    && statement.writes().size() == 1;
            if (!regrouped) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a statement that adds rows to distributed relation \""
                        + write.table().qualifiedName() + "\" must run on their shard alone, but this one "
                        + (route instanceof Route.NoKey missing ? "names no key for relation " + missing.relation()
                        : "runs on several shards") + ": its rows could be written where their keys do not belong")
                        .withDetail(route.reason())
                        .withHint("Send the INSERT as a statement of its own, keyed on the rows' shard.");
            }
        }
        return route;
    }

    /**
     * Under a routing hint ({@code __spqr__execute_on}, {@code __spqr__sharding_key}): the statement's
     * checks, and every new row's key must live on the hinted shard.
     */
    static void requireRowsOn(Metadata metadata, Statement statement, BoundValues bound, String shard) {
        check(metadata, statement, bound);
        for (Write write : statement.writes()) {
            Optional<DistributedRelation> relation = relation(metadata, write);
            if (relation.isEmpty() || !write.addsRows()) {
                continue;
            }
            List<List<String>> keys = StatementRouter.newRowKeys(metadata, statement, write.table(), relation.get(), bound);
            if (keys == null) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "the router cannot tell the keys of the new rows of"
                        + " distributed relation \"" + write.table().qualifiedName() + "\": a routing hint cannot place them");
            }
            for (List<String> key : keys) {
                String owner = StatementRouter.shardOfNewRow(metadata, relation.get(), key);
                if (!owner.equals(shard)) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "the new row of relation \"" + write.table().qualifiedName()
                            + "\" with key " + String.join(", ", key) + " belongs to shard \"" + owner
                            + "\", not to shard \"" + shard + "\" that the routing hint names");
                }
            }
        }
    }

    private static Optional<DistributedRelation> relation(Metadata metadata, Write write) {
        return metadata.relation(new QualifiedName(write.table().schema(), write.table().name()));
    }

    private static String keyColumns(DistributedRelation relation) {
        return String.join(", ", relation.valueColumns());
    }
}
