package dev.shardgate.console.ast;

import java.util.List;
import java.util.Optional;

/**
 * {@code CREATE KEY RANGES n FOR DISTRIBUTION ds [FROM lower TO upper] ROUTE TO sh1[, sh2…]}: n
 * ranges of equal width, routed round-robin to the shards in the order named. SPQR's spelling
 * {@code CREATE KEY RANGES FOR DISTRIBUTION ds [BETWEEN lower AND upper] [USING ALL SHARDS | USING
 * SHARDS sh1, …]} makes one range per shard, named {@code ds-0}, {@code ds-1}, ….
 *
 * @param count how many ranges; null for one per shard (SPQR's spelling)
 * @param lower the first range's bound; empty for the whole key space of the distribution's type
 *              (SPQR's spelling) or the whole hash space of a hashed distribution
 * @param upper where the last range's equal share ends (it still takes every key above)
 * @param shards the shards in order; empty for every shard, by id (USING ALL SHARDS)
 * @param spqrIds name the ranges {@code ds-i} from 0, as SPQR does, instead of the next free {@code krN}
 */
public record CreateKeyRanges(String count, String distribution, Optional<BoundLiteral> lower,
                              Optional<BoundLiteral> upper, List<String> shards, boolean spqrIds) implements ConsoleStatement {
    public CreateKeyRanges {
        shards = List.copyOf(shards);
    }

    public CreateKeyRanges(String count, String distribution, Optional<BoundLiteral> lower, Optional<BoundLiteral> upper,
                           List<String> shards) {
        this(count, distribution, lower, upper, shards, false);
    }
}
