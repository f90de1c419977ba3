package dev.shardgate.coordinator.move;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What REDISTRIBUTE KEY RANGE checks before it starts (and all that CHECK does): the range and the
 * destination exist, the range is free, both shards answer, and every relation of the
 * distribution exists on the source. A relation missing on the destination is no error: the move
 * creates it from the source's definition.
 *
 * @param rows one per relation: name, rows in the range on the source, what the destination has
 */
record MovePlan(String distributionId, String sourceShard, List<List<String>> rows) {
    static final List<String> COLUMNS = List.of("relation_name", "source_rows", "destination_table");

    /**
     * @param countRows whether to count the range's rows on the source (for REDISTRIBUTE … CHECK): a scan
     *     of the relation, which for a hashed distribution hashes every key, so a move that starts at
     *     once skips it
     * @throws PgException naming what stands in the way
     */
    static MovePlan check(Metadata metadata, List<TaskGroup> groups, ShardData shards, String keyRangeId,
                          String destinationShard, boolean countRows) {
        KeyRange range = metadata.keyRange(keyRangeId).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "key range \"" + keyRangeId + "\" does not exist"));
        var destination = metadata.shard(destinationShard).orElseThrow(() -> new PgException(SqlState.UNDEFINED_OBJECT,
                "shard \"" + destinationShard + "\" does not exist"));
        if (range.shardId().equals(destinationShard)) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "key range \"" + keyRangeId + "\" is already on shard \"" + destinationShard + "\"");
        }
        if (range.locked()) {
            throw new PgException(SqlState.OBJECT_IN_USE, "key range \"" + keyRangeId + "\" is locked");
        }
        for (TaskGroup group : groups) {
            if (group.keyRangeId().equals(keyRangeId) || group.restId().equals(keyRangeId)
                    || group.nextRestId().filter(keyRangeId::equals).isPresent()) {
                throw new PgException(SqlState.OBJECT_IN_USE, "key range \"" + keyRangeId + "\" is being moved by task group \""
                        + group.id() + "\"");
            }
        }
        Distribution distribution = metadata.distribution(range.distributionId()).orElseThrow();
        var source = metadata.shard(range.shardId()).orElseThrow();
        List<List<String>> rows = new ArrayList<>();
        try (Connection from = shards.connect(source, distribution); Connection to = shards.connect(destination, distribution)) {
            for (KeySpan span : Redistribution.spans(metadata, range)) {
                if (!ShardData.exists(from, span)) {
                    throw new PgException(SqlState.UNDEFINED_TABLE, "relation \"" + span.relation().name()
                            + "\" does not exist on shard \"" + source.id() + "\"");
                }
                String count = countRows ? Long.toString(ShardData.count(from, span))
                        : "not counted";
                String there = ShardData.exists(to, span) ? "present"
                        : "missing: created from shard " + source.id();
                rows.add(List.of(span.relation().name().toString(), count, there));
            }
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_EXCEPTION, "checking the move of key range \"" + keyRangeId
                    + "\" failed: " + e.getMessage());
        }
        return new MovePlan(distribution.id(), source.id(), rows);
    }

    ConsoleResult result() {
        return new ConsoleResult.Rows(COLUMNS, rows);
    }
}
