package dev.shardgate.coordinator.move;

import dev.shardgate.console.ast.DrainShard;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DRAIN SHARD sh: moves the shard's key ranges away one task group after another (each a
 * REDISTRIBUTE with its steps, checks and crash safety), round-robin over the target shards in key
 * range order (distribution, then lower bound), then its reference-table duties. Round-robin,
 * not by size: it needs no measuring, and the ranges of one distribution spread evenly by count.
 * The drain itself keeps no state: run again after a failure or a coordinator restart, it moves
 * what is still on the shard.
 */
final class ShardDrain {
    private static final Logger log = LoggerFactory.getLogger(ShardDrain.class);
    static final List<String> COLUMNS = List.of("object_type", "object_id", "destination_shard_id", "task_group_id",
            "rows_moved");

    /** Moves a key range to a shard with the given batch size and returns the finished group. */
    interface Mover {
        /** @param batchSize DRAIN SHARD's BATCH SIZE; empty for the configured one */
        TaskGroup moveAndWait(String keyRangeId, String shardId, java.util.OptionalInt batchSize);
    }

    private final Qdb qdb;
    private final TaskGroupStore store;
    private final ShardData shards;
    private final RouterFleet fleet;
    private final Mover mover;
    private final Function<String, Optional<CompletableFuture<TaskGroup>>> running;

    ShardDrain(Qdb qdb, TaskGroupStore store, ShardData shards, RouterFleet fleet, Mover mover,
               Function<String, Optional<CompletableFuture<TaskGroup>>> running) {
        this.qdb = qdb;
        this.store = store;
        this.shards = shards;
        this.fleet = fleet;
        this.mover = mover;
        this.running = running;
    }

    ConsoleResult run(DrainShard statement) {
        qdb.checkWritable();
        String drained = statement.id();
        Metadata metadata = qdb.snapshot();
        if (metadata.shard(drained).isEmpty()) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + drained + "\" does not exist");
        }
        List<String> targets = targets(metadata, statement);
        metadata.distributions().values().stream().filter(d -> d.defaultShard().filter(drained::equals).isPresent())
                .findFirst().ifPresent(d -> {
                    throw new PgException(SqlState.DEPENDENT_OBJECTS_STILL_EXIST, "shard \"" + drained
                            + "\" is the default shard of distribution \"" + d.id() + "\"; DRAIN SHARD does not move"
                            + " the rows outside the key ranges");
                });
        awaitGroupsFrom(drained);
        log.info("event=shard_drain_started shard={} targets={}", drained, String.join(",", targets));
        List<List<String>> rows = new ArrayList<>();
        int next = 0;
        Optional<KeyRange> range;
        while ((range = firstRangeOn(qdb.snapshot(), drained)).isPresent()) {
            String target = targets.get(next++ % targets.size());
            TaskGroup group = mover.moveAndWait(range.get().id(), target, statement.batchSize());
            if (firstRangeOn(qdb.snapshot(), drained).filter(r -> r.id().equals(group.keyRangeId())).isPresent()) {
                throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "key range \"" + group.keyRangeId()
                        + "\" is still on shard \"" + drained + "\" after task group \"" + group.id() + "\"");
            }
            rows.add(Arrays.asList("key range", group.keyRangeId(), target, group.id(), Long.toString(group.rowsMoved())));
        }
        for (ReferenceRelation relation : qdb.snapshot().referenceRelations().values()) {
            if (relation.shardIds().contains(drained)) {
                rows.add(moveDuty(relation, drained, targets.getFirst()));
            }
        }
        log.info("event=shard_drained shard={} key_ranges_moved={} rows_moved={}", drained,
                rows.stream().filter(r -> r.getFirst().equals("key range")).count(),
                rows.stream().mapToLong(r -> Long.parseLong(r.get(4))).sum());
        return new ConsoleResult.Rows(COLUMNS, rows);
    }

    /** The named shards in order without repeats, or every other shard by id. */
    private static List<String> targets(Metadata metadata, DrainShard statement) {
        List<String> targets = new ArrayList<>();
        if (statement.targets().isEmpty()) {
            metadata.shards().keySet().stream().filter(id -> !id.equals(statement.id())).forEach(targets::add);
        } else {
            for (String id : new LinkedHashSet<>(statement.targets())) {
                if (metadata.shard(id).isEmpty()) {
                    throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + id + "\" does not exist");
                }
                if (id.equals(statement.id())) {
                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "cannot drain shard \"" + id + "\" into itself");
                }
                targets.add(id);
            }
        }
        if (targets.isEmpty()) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "shard \"" + statement.id()
                    + "\" is the only shard: there is no shard to drain it into");
        }
        return targets;
    }

    /**
     * Moves into the shard would refill it: refused. Moves out of it (a group resumed after a
     * restart) are awaited; a failed one must be retried or stopped first.
     */
    private void awaitGroupsFrom(String drained) {
        for (TaskGroup group : store.all()) {
            if (group.destinationShard().equals(drained)) {
                throw new PgException(SqlState.OBJECT_IN_USE, "task group \"" + group.id() + "\" is moving key range \""
                        + group.keyRangeId() + "\" to shard \"" + drained + "\"");
            }
            if (!group.sourceShard().equals(drained)) {
                continue;
            }
            Optional<CompletableFuture<TaskGroup>> future = running.apply(group.id());
            if (group.state() == TaskState.ERROR || future.isEmpty()) {
                throw new PgException(SqlState.OBJECT_IN_USE, "task group \"" + group.id() + "\" of key range \""
                        + group.keyRangeId() + "\" on shard \"" + drained + "\" is not running")
                        .withHint("RETRY TASK GROUP " + group.id() + " or STOP TASK GROUP " + group.id() + ", then drain again.");
            }
            log.info("event=shard_drain_awaits task_group={} key_range={}", group.id(), group.keyRangeId());
            DataMovement.await(future.get());
        }
    }

    private static Optional<KeyRange> firstRangeOn(Metadata metadata, String shardId) {
        return metadata.keyRanges().values().stream().filter(r -> r.shardId().equals(shardId))
                .min(Comparator.comparing(KeyRange::distributionId).thenComparing(KeyRange::lowerBound));
    }

    /**
     * A reference relation listing other shards too just stops listing this one; one listing only
     * this shard is copied to the first target ({@link ReferenceTables#moveDuty}).
     */
    private List<String> moveDuty(ReferenceRelation relation, String drained, String target) {
        List<String> others = relation.shardIds().stream().filter(id -> !id.equals(drained)).toList();
        if (!others.isEmpty()) {
            qdb.apply(List.of(new MetadataChange.DropReferenceRelation(relation.name()),
                    new MetadataChange.CreateReferenceRelation(new ReferenceRelation(relation.name(), others))));
            log.info("event=reference_duty_dropped relation={} shard={} shards={}", relation.name(), drained,
                    String.join(",", others));
            return Arrays.asList("reference relation", relation.name().toString(), String.join(",", others), null, "0");
        }
        try {
            long rows = ReferenceTables.moveDuty(qdb, fleet, shards, qdb.snapshot(), relation, drained, target);
            return Arrays.asList("reference relation", relation.name().toString(), target, null, Long.toString(rows));
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_EXCEPTION, "moving reference relation \"" + relation.name()
                    + "\" from shard \"" + drained + "\" to shard \"" + target + "\" failed: " + e.getMessage());
        }
    }
}
