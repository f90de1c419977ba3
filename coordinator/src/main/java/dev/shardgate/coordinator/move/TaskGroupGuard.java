package dev.shardgate.coordinator.move;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.ForwardingQdb;
import dev.shardgate.qdb.Qdb;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The QDB as the coordinator's console sees it while task groups exist: a metadata change that
 * would alter a key range a task group is moving (its bounds, shard or lock, or the range's end
 * through a neighbour), or drop its distribution or shards, is refused with 55006 naming the group.
 * The group's own steps go to the QDB directly. A group that failed keeps its ranges until RETRY or
 * STOP TASK GROUP ends it, since it resumes from what it recorded.
 */
final class TaskGroupGuard extends ForwardingQdb {
    private final TaskGroupStore groups;

    TaskGroupGuard(Qdb qdb, TaskGroupStore groups) {
        super(qdb);
        this.groups = groups;
    }

    @Override
    public Metadata apply(List<? extends MetadataChange> changes) {
        if (!changes.isEmpty()) {
            List<TaskGroup> existing = groups.all();
            if (!existing.isEmpty()) {
                Metadata before = qdb.snapshot();
                Metadata after = before.apply(changes); // a refused change fails here as it would below
                for (TaskGroup group : existing) {
                    check(group, before, after);
                }
            }
        }
        return qdb.apply(changes);
    }

    private static void check(TaskGroup group, Metadata before, Metadata after) {
        for (String shard : List.of(group.sourceShard(), group.destinationShard())) {
            if (before.shard(shard).isPresent() && after.shard(shard).isEmpty()) {
                throw inUse(group, "shard \"" + shard + "\"");
            }
        }
        if (before.distribution(group.distributionId()).isPresent() && after.distribution(group.distributionId()).isEmpty()) {
            throw inUse(group, "distribution \"" + group.distributionId() + "\"");
        }
        List<KeyRange> owned = Stream.of(Optional.of(group.keyRangeId()), Optional.of(group.restId()), group.movedId(),
                group.nextRestId()).flatMap(Optional::stream).distinct()
                .flatMap(id -> before.keyRange(id).stream()).toList();
        // the range a command names first, then one whose end it moves through a neighbour
        for (KeyRange was : owned) {
            if (!after.keyRange(was.id()).equals(Optional.of(was))) {
                throw inUse(group, "key range \"" + was.id() + "\"");
            }
        }
        for (KeyRange was : owned) {
            if (!Objects.equals(upperBound(before, was), upperBound(after, was))) {
                throw inUse(group, "key range \"" + was.id() + "\"");
            }
        }
    }

    /** Where the range ends: the next lower bound in its distribution, or nowhere. */
    private static Optional<KeyBound> upperBound(Metadata metadata, KeyRange range) {
        return metadata.keyRanges().values().stream()
                .filter(other -> other.distributionId().equals(range.distributionId()))
                .map(KeyRange::lowerBound)
                .filter(bound -> bound.compareTo(range.lowerBound()) > 0)
                .min(KeyBound::compareTo);
    }

    private static MetadataException inUse(TaskGroup group, String what) {
        return new MetadataException(MetadataException.OBJECT_IN_USE, what + " is in use by task group \"" + group.id()
                + "\", which moves key range \"" + group.keyRangeId() + "\" from shard \"" + group.sourceShard()
                + "\" to \"" + group.destinationShard() + "\" (" + group.state().name() + "); wait until it ends, or end "
                + "it with STOP TASK GROUP " + group.id());
    }
}
