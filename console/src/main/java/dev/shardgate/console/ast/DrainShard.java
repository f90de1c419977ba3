package dev.shardgate.console.ast;

import java.util.List;
import java.util.OptionalInt;

/**
 * {@code DRAIN SHARD sh [TO sh1, sh2 …] [BATCH SIZE n]}: moves every key range of the shard away,
 * round-robin over the target shards (all other shards when none are named), and its
 * reference-table duties, so that DROP SHARD can follow.
 *
 * @param targets   the shards to move to, in the order given; empty for every other shard
 * @param batchSize rows per move batch, empty for the executor's default; always positive
 */
public record DrainShard(String id, List<String> targets, OptionalInt batchSize) implements ConsoleStatement {

    public DrainShard {
        targets = List.copyOf(targets);
    }
}
