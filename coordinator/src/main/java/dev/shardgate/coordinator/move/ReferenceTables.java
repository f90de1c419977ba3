package dev.shardgate.coordinator.move;

import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference tables copied whole (definition and rows) to a shard that should have them and has
 * not: a shard created after the table, on its first move. The copy holds a SHARE lock on the
 * table where it is read, so that writes there wait until the new copy has committed and then
 * reach it too: the two copies never differ.
 */
final class ReferenceTables {
    private static final Logger log = LoggerFactory.getLogger(ReferenceTables.class);
    /** How long a copy waits for the writes in progress on the copied table before failing. */
    static final String LOCK_TIMEOUT = "30s";

    private ReferenceTables() {
    }

    /** Whether the metadata places the reference relation on the shard. */
    static boolean belongsOn(ReferenceRelation relation, String shardId) {
        return relation.isOnAllShards() || relation.shardIds().contains(shardId);
    }

    /**
     * Copies to {@code destination} every reference relation that belongs on it and is missing
     * there, from {@code source} when it holds the table, or else from another shard that does.
     */
    static void complete(Metadata metadata, ShardData shards, String sourceShard, Connection source,
                         String destinationShard, Connection destination) throws SQLException {
        for (ReferenceRelation relation : metadata.referenceRelations().values()) {
            if (!belongsOn(relation, destinationShard) || ShardData.exists(destination, relation.name())) {
                continue;
            }
            if (belongsOn(relation, sourceShard) && ShardData.exists(source, relation.name())) {
                copy(source, sourceShard, destination, destinationShard, relation.name(), mayReference(metadata, destination));
                continue;
            }
            boolean copied = false;
            for (Shard holder : holders(metadata, relation, destinationShard, sourceShard)) {
                try (Connection connection = shards.connect(holder)) {
                    if (ShardData.exists(connection, relation.name())) {
                        copy(connection, holder.id(), destination, destinationShard, relation.name(),
                                mayReference(metadata, destination));
                        copied = true;
                        break;
                    }
                }
            }
            if (!copied) {
                log.warn("event=reference_table_not_copied relation={} shard={} reason=no_shard_holds_it",
                        relation.name(), destinationShard);
            }
        }
    }

    private static List<Shard> holders(Metadata metadata, ReferenceRelation relation, String... except) {
        List<Shard> holders = new ArrayList<>();
        for (Shard shard : metadata.shards().values()) {
            if (belongsOn(relation, shard.id()) && !List.of(except).contains(shard.id())) {
                holders.add(shard);
            }
        }
        return holders;
    }

    /** Foreign keys may point at reference tables the shard already has. */
    static Predicate<QualifiedName> mayReference(Metadata metadata, Connection destination) {
        return name -> {
            try {
                return metadata.referenceRelation(name).isPresent() && ShardData.exists(destination, name);
            } catch (SQLException e) {
                throw new PgException(SqlState.CONNECTION_EXCEPTION, "checking relation \"" + name + "\" failed: "
                        + e.getMessage());
            }
        };
    }

    /**
     * Creates the table on the destination and copies its rows, in one destination transaction
     * (so a table there is always complete), under a SHARE lock on the holder.
     */
    static long copy(Connection holder, String holderShard, Connection destination, String destinationShard,
                     QualifiedName name, Predicate<QualifiedName> mayReference) throws SQLException {
        return inTransactions(holder, destination, () -> {
            lock(holder, name, "SHARE");
            long rows = createAndFill(holder, destination, destinationShard, name, mayReference);
            destination.commit();
            holder.commit();
            log.info("event=reference_table_copied relation={} from={} to={} rows={}", name, holderShard,
                    destinationShard, rows);
            return rows;
        });
    }

    /** Work on two connections' transactions that commits them itself, in the order it needs. */
    @FunctionalInterface
    interface TwoTransactions<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} with a transaction open on each connection; if it fails, both roll back
     * (one it had committed already has nothing left to undo); either way both are back in
     * autocommit afterwards.
     */
    static <T> T inTransactions(Connection first, Connection second, TwoTransactions<T> work) throws SQLException {
        first.setAutoCommit(false);
        second.setAutoCommit(false);
        try {
            return work.run();
        } catch (SQLException | RuntimeException e) {
            second.rollback();
            first.rollback();
            throw e;
        } finally {
            second.setAutoCommit(true);
            first.setAutoCommit(true);
        }
    }

    /** In the callers' transactions: the table's definition if it is missing, then exactly the holder's rows. */
    static long createAndFill(Connection holder, Connection destination, String destinationShard, QualifiedName name,
                              Predicate<QualifiedName> mayReference) throws SQLException {
        String table = TableDefinition.quoted(name);
        if (ShardData.exists(destination, name)) {
            try (Statement statement = destination.createStatement()) {
                statement.execute("DELETE FROM " + table);
            }
        } else {
            TableDefinition.read(holder, name.schema(), name.name()).create(destination, destinationShard, mayReference);
        }
        String columns = String.join(", ", ShardData.columns(holder, name));
        return ShardData.pipe(holder, destination, table, "SELECT " + columns + " FROM " + table, columns);
    }

    /**
     * DRAIN SHARD of the only shard a reference relation lists: copies it to {@code target} and
     * points the relation there. The drained shard's table is locked against writes (reads go on)
     * while it is copied, and dropped in the same transaction before the metadata changes, so a
     * write that waited for the lock fails once it is released (relation does not exist) instead
     * of landing on a copy nobody reads. The drop cascades to what uses the table there (foreign
     * keys of the drained, now empty, tables). Reads wait while the routers take up the change.
     *
     * @return rows copied
     */
    static long moveDuty(Qdb qdb, RouterFleet fleet, ShardData shards, Metadata metadata, ReferenceRelation relation,
                         String drained, String target) throws SQLException {
        QualifiedName name = relation.name();
        List<MetadataChange> pointAtTarget = List.of(new MetadataChange.DropReferenceRelation(name),
                new MetadataChange.CreateReferenceRelation(new ReferenceRelation(name, List.of(target))));
        try (Connection holder = shards.connect(shard(metadata, drained));
                Connection destination = shards.connect(shard(metadata, target))) {
            if (!ShardData.exists(holder, name)) {
                qdb.apply(pointAtTarget);
                return 0;
            }
            return inTransactions(holder, destination, () -> {
                lock(holder, name, "EXCLUSIVE");
                long rows = createAndFill(holder, destination, target, name, mayReference(metadata, destination));
                destination.commit();
                try (Statement statement = holder.createStatement()) {
                    statement.execute("DROP TABLE " + TableDefinition.quoted(name) + " CASCADE");
                }
                qdb.apply(pointAtTarget);
                if (!routersSee(fleet, qdb.version())) {
                    log.warn("event=reference_duty_not_seen relation={} wait_ms={}", name,
                            Redistribution.ROUTER_ACK_WAIT.toMillis());
                }
                holder.commit();
                log.info("event=reference_duty_moved relation={} from={} to={} rows={}", name, drained, target, rows);
                return rows;
            });
        }
    }

    private static boolean routersSee(RouterFleet fleet, long version) {
        try {
            return fleet.awaitVersion(version, Redistribution.ROUTER_ACK_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Shard shard(Metadata metadata, String id) {
        return metadata.shard(id).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "shard \"" + id + "\" does not exist"));
    }

    static void lock(Connection connection, QualifiedName name, String mode) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            statement.execute("LOCK TABLE " + TableDefinition.quoted(name) + " IN " + mode + " MODE");
        }
    }
}
