package dev.shardgate.coordinator.move;

import dev.shardgate.meta.Metadata;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a move's destination needs before a batch's rows: the reference tables that belong on it,
 * then every relation of the batch it lacks, with its full definition from the source
 * ({@link TableDefinition}). Each table is created in one transaction, so a table that exists is
 * complete and a step run again after a crash skips it. A table already on the destination is
 * left as it is: what is there (made by the user, or by an older version) wins.
 */
final class DestinationTables {
    private static final Logger log = LoggerFactory.getLogger(DestinationTables.class);

    private DestinationTables() {
    }

    static void prepare(Metadata metadata, ShardData shards, String sourceShard, Connection source,
                        String destinationShard, Connection destination, List<KeySpan> spans) throws SQLException {
        ReferenceTables.complete(metadata, shards, sourceShard, source, destinationShard, destination);
        for (KeySpan span : spans) {
            if (!ShardData.exists(source, span) || ShardData.exists(destination, span)) {
                continue;
            }
            TableDefinition definition = TableDefinition.read(source, span.relation().name().schema(),
                    span.relation().name().name());
            destination.setAutoCommit(false);
            try {
                definition.create(destination, destinationShard, ReferenceTables.mayReference(metadata, destination));
                destination.commit();
            } catch (SQLException | RuntimeException e) {
                destination.rollback();
                throw e;
            } finally {
                destination.setAutoCommit(true);
            }
            log.info("event=table_created relation={} shard={} from={} statements={}", span.relation().name(),
                    destinationShard, sourceShard, definition.before().size() + definition.after().size() + 1);
        }
    }
}
