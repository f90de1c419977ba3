package dev.shardgate.coordinator.move;

import dev.shardgate.console.ast.SyncReferenceTables;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SYNC REFERENCE TABLES: a shard's copy of each reference relation placed on it made equal to the
 * copy on another shard that holds it (created there first if missing), one relation per
 * transaction. The source copy is SHARE-locked and the destination's EXCLUSIVE-locked while rows
 * are replaced, so a write waits and then reaches both; a write that already holds rows on the
 * destination makes the sync fail after {@link ReferenceTables#LOCK_TIMEOUT} instead of both waiting.
 */
final class ReferenceSync {
    private static final Logger log = LoggerFactory.getLogger(ReferenceSync.class);
    static final List<String> COLUMNS = List.of("relation_name", "source_shard_id", "rows_copied");

    private ReferenceSync() {
    }

    static ConsoleResult run(Metadata metadata, ShardData shards, SyncReferenceTables statement) {
        Shard target = metadata.shard(statement.shard()).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "shard \"" + statement.shard() + "\" does not exist"));
        List<ReferenceRelation> relations = relations(metadata, statement.relation(), target.id());
        List<List<String>> rows = new ArrayList<>();
        try (Connection destination = shards.connect(target)) {
            for (ReferenceRelation relation : relations) {
                Shard holder = holder(metadata, shards, relation, target.id());
                try (Connection source = shards.connect(holder)) {
                    long copied = sync(source, destination, target.id(), relation.name(),
                            ReferenceTables.mayReference(metadata, destination));
                    log.info("event=reference_table_synced relation={} from={} to={} rows={}", relation.name(), holder.id(),
                            target.id(), copied);
                    rows.add(List.of(relation.name().toString(), holder.id(), Long.toString(copied)));
                }
            }
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_EXCEPTION, "syncing reference tables on shard \"" + target.id()
                    + "\" failed: " + e.getMessage());
        }
        return new ConsoleResult.Rows(COLUMNS, rows);
    }

    private static List<ReferenceRelation> relations(Metadata metadata, Optional<dev.shardgate.console.ast.RelationName> named,
                                                     String shardId) {
        if (named.isEmpty()) {
            return metadata.referenceRelations().values().stream()
                    .filter(relation -> ReferenceTables.belongsOn(relation, shardId)).toList();
        }
        QualifiedName name = new QualifiedName(named.get().schema(), named.get().name());
        ReferenceRelation relation = metadata.referenceRelation(name).orElseThrow(() -> new PgException(
                SqlState.UNDEFINED_TABLE, "reference relation \"" + name + "\" does not exist"));
        if (!ReferenceTables.belongsOn(relation, shardId)) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "reference relation \"" + name
                    + "\" is not placed on shard \"" + shardId + "\"")
                    .withHint("It is on " + String.join(", ", relation.shardIds()) + ".");
        }
        return List.of(relation);
    }

    /** The first other shard, in id order, that the relation is placed on and that has the table. */
    private static Shard holder(Metadata metadata, ShardData shards, ReferenceRelation relation, String target)
            throws SQLException {
        for (Shard shard : metadata.shards().values()) {
            if (shard.id().equals(target) || !ReferenceTables.belongsOn(relation, shard.id())) {
                continue;
            }
            try (Connection connection = shards.connect(shard)) {
                if (ShardData.exists(connection, relation.name())) {
                    return shard;
                }
            }
        }
        throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "no shard other than \"" + target
                + "\" holds reference relation \"" + relation.name() + "\" to copy it from");
    }

    private static long sync(Connection source, Connection destination, String destinationShard, QualifiedName name,
                             java.util.function.Predicate<QualifiedName> mayReference) throws SQLException {
        return ReferenceTables.inTransactions(source, destination, () -> {
            ReferenceTables.lock(source, name, "SHARE");
            if (ShardData.exists(destination, name)) {
                ReferenceTables.lock(destination, name, "EXCLUSIVE");
            }
            long rows = ReferenceTables.createAndFill(source, destination, destinationShard, name, mayReference);
            destination.commit();
            source.commit();
            return rows;
        });
    }
}
