package dev.shardgate.console.ast;

import java.util.List;
import java.util.Optional;

/**
 * {@code CREATE KEY RANGES n FOR DISTRIBUTION ds [FROM lower TO upper] ROUTE TO sh1[, sh2…]}: n
 * ranges of equal width, routed round-robin to the shards in the order named.
 *
 * @param lower the first range's bound; empty for the whole hash space of a hashed distribution
 * @param upper where the last range's equal share ends (it still takes every key above)
 */
public record CreateKeyRanges(String count, String distribution, Optional<BoundLiteral> lower,
                              Optional<BoundLiteral> upper, List<String> shards) implements ConsoleStatement {
    public CreateKeyRanges {
        shards = List.copyOf(shards);
    }
}
