package dev.shardgate.coordinator.move;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyRangeIndex;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CHECK DISTRIBUTION ds: for every relation of the distribution on every shard that has it, how
 * many rows it holds and how many of them lie outside the key ranges routed to that shard (rows
 * written around the router, or left behind by a manual mistake). It reads only; a full scan per
 * relation and shard, hashing each key for hashed distributions.
 */
final class DistributionCheck {
    private static final Logger log = LoggerFactory.getLogger(DistributionCheck.class);
    static final List<String> COLUMNS = List.of("relation_name", "shard_id", "rows", "rows_outside");

    private DistributionCheck() {
    }

    static ConsoleResult run(Metadata metadata, ShardData shards, String distributionId) {
        Distribution distribution = metadata.distribution(distributionId).orElseThrow(() -> new PgException(
                SqlState.UNDEFINED_OBJECT, "distribution \"" + distributionId + "\" does not exist"));
        List<List<String>> rows = new ArrayList<>();
        for (Shard shard : metadata.shards().values()) {
            try (Connection connection = shards.connect(shard, distribution)) {
                for (DistributedRelation relation : metadata.relationsOf(distribution.id())) {
                    if (!ShardData.exists(connection, relation)) {
                        continue;
                    }
                    String sql = "SELECT count(*), count(*) FILTER (WHERE NOT coalesce(" + belongsOn(metadata, relation, shard.id())
                            + ", false)) FROM " + KeySpan.table(relation);
                    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
                        row.next();
                        rows.add(List.of(relation.name().toString(), shard.id(), row.getString(1), row.getString(2)));
                        if (row.getLong(2) > 0) {
                            log.warn("event=distribution_check_misplaced distribution={} relation={} shard={} rows_outside={}",
                                    distribution.id(), relation.name(), shard.id(), row.getLong(2));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new PgException(SqlState.CONNECTION_EXCEPTION, "checking distribution \"" + distribution.id()
                        + "\" on shard \"" + shard.id() + "\" failed: " + e.getMessage());
            }
        }
        return new ConsoleResult.Rows(COLUMNS, rows);
    }

    /**
     * A condition true for the rows of {@code relation} that belong on {@code shardId}: their key
     * lies in one of the shard's key ranges, or, on the distribution's default shard, below every
     * range. Hashed keys need {@link ShardHash}'s functions on the connection.
     */
    static String belongsOn(Metadata metadata, DistributedRelation relation, String shardId) {
        Distribution distribution = metadata.distribution(relation.distributionId()).orElseThrow();
        KeyRangeIndex index = metadata.index(distribution.id());
        List<String> conditions = new ArrayList<>();
        for (KeyRange range : index.ranges()) {
            if (range.shardId().equals(shardId)) {
                conditions.add(new KeySpan(relation, distribution.columnTypes(), range.lowerBound(), index.upperBound(range))
                        .predicate());
            }
        }
        if (distribution.defaultShard().filter(shardId::equals).isPresent()) {
            conditions.add(index.isEmpty() ? "true" : "NOT coalesce(" + new KeySpan(relation, distribution.columnTypes(),
                    index.ranges().getFirst().lowerBound(), Optional.empty()).predicate() + ", false)");
        }
        return conditions.isEmpty() ? "false" : "(" + String.join(" OR ", conditions.stream().map(c -> "(" + c + ")").toList()) + ")";
    }
}
