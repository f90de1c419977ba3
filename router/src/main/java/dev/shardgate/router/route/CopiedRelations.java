package dev.shardgate.router.route;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.TableRef;
import dev.shardgate.sql.Write;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Statements about relations that exist on several shards at once: the schema of a distributed
 * relation (every shard may come to hold its key ranges, so every shard has the table) and reference
 * relations (a full copy on each of their shards).
 */
final class CopiedRelations {
    private CopiedRelations() {
    }

    /**
     * {@link Route.EveryShard} for DDL on a distributed or reference relation and for a write whose
     * target is a reference relation; {@link Route.OneShard} for a read of a reference relation kept
     * on some shards only; null when the statement is routed by key as usual.
     */
    static Route route(Metadata metadata, Statement statement) {
        if (statement.definesSharedObject() && !metadata.shards().isEmpty()) {
            // A schema, type, function … that a relation on any shard may come to depend on.
            return new Route.EveryShard(new TreeSet<>(metadata.shards().keySet()),
                    "DDL on a schema-level object (schema, type, function, sequence, …) → every shard");
        }
        if (statement.tables().isEmpty()) {
            return null;
        }
        if (statement.kind() == StatementKind.DDL) {
            SortedSet<String> shards = new TreeSet<>();
            List<String> names = new ArrayList<>();
            for (TableRef table : statement.tables()) {
                QualifiedName name = new QualifiedName(table.schema(), table.name());
                if (metadata.relation(name).isPresent()) {
                    shards.addAll(metadata.shards().keySet());
                    names.add("distributed relation " + name);
                } else {
                    reference(metadata, name).ifPresent(reference -> {
                        shards.addAll(shardsOf(metadata, reference));
                        names.add("reference relation " + name);
                    });
                }
            }
            return names.isEmpty() ? null : new Route.EveryShard(shards, "DDL on " + String.join(", ", names) + " → every shard");
        }
        return referenceWrite(metadata, statement);
    }

    /**
     * Every write to a reference relation, however nested (a WITH query, EXPLAIN ANALYZE, MERGE),
     * runs on each of its copies, or the copies would differ.
     */
    private static Route referenceWrite(Metadata metadata, Statement statement) {
        List<ReferenceRelation> written = new ArrayList<>();
        for (Write write : statement.writes()) {
            reference(metadata, new QualifiedName(write.table().schema(), write.table().name()))
                    .filter(reference -> !written.contains(reference))
                    .ifPresent(written::add);
        }
        if (written.isEmpty()) {
            return null;
        }
        ReferenceRelation target = written.getFirst();
        if (statement.kind() == StatementKind.PREPARE) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "PREPARE of a statement that writes reference relation "
                    + target.name() + " is not supported: its EXECUTE would run on one copy only")
                    .withHint("Use the extended query protocol (a driver's prepared statements) instead.");
        }
        for (TableRef table : statement.tables()) {
            if (metadata.relation(new QualifiedName(table.schema(), table.name())).isPresent()) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a write to reference relation " + target.name()
                        + " cannot read distributed relation " + table.name() + ": each copy would see other rows");
            }
        }
        SortedSet<String> shards = shardsOf(metadata, target);
        for (ReferenceRelation other : written) {
            if (!shardsOf(metadata, other).equals(shards)) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a statement that writes reference relations "
                        + target.name() + " and " + other.name() + " is not supported: their copies are on different shards");
            }
        }
        List<String> names = written.stream().map(reference -> reference.name().toString()).toList();
        return new Route.EveryShard(shards, "write to reference relation " + String.join(", ", names) + " → each of its shards");
    }

    /**
     * Where a statement reading reference relations (and no distributed one) runs: the first shard
     * that holds a copy of each; null when any shard does.
     */
    static Route readRoute(Metadata metadata, Statement statement) {
        SortedSet<String> common = null;
        List<String> names = new ArrayList<>();
        for (TableRef table : statement.tables()) {
            Optional<ReferenceRelation> reference = reference(metadata, new QualifiedName(table.schema(), table.name()));
            if (reference.isPresent() && !reference.get().isOnAllShards()) {
                SortedSet<String> shards = new TreeSet<>(reference.get().shardIds());
                if (common == null) {
                    common = shards;
                } else {
                    common.retainAll(shards);
                }
                names.add(reference.get().name().toString());
            }
        }
        if (common == null) {
            return null;
        }
        if (common.isEmpty()) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "no shard holds a copy of every reference relation of the statement ("
                    + String.join(", ", names) + ")");
        }
        return new Route.OneShard(common.first(), "reference relation " + String.join(", ", names) + " → " + common.first());
    }

    private static Optional<ReferenceRelation> reference(Metadata metadata, QualifiedName name) {
        return metadata.referenceRelation(name);
    }

    private static SortedSet<String> shardsOf(Metadata metadata, ReferenceRelation reference) {
        return reference.isOnAllShards() ? new TreeSet<>(metadata.shards().keySet()) : new TreeSet<>(reference.shardIds());
    }
}
