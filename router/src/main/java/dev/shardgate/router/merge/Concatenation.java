package dev.shardgate.router.merge;

import java.io.IOException;
import java.util.List;

/** The rows of each shard in turn; shards not yet read wait (their answers stay in the socket). */
final class Concatenation implements RowSource {
    private final List<RowSource> shards;
    private int current;

    Concatenation(List<RowSource> shards) {
        this.shards = shards;
    }

    @Override
    public byte[][] next() throws IOException {
        while (current < shards.size()) {
            byte[][] row = shards.get(current).next();
            if (row != null) {
                return row;
            }
            current++;
        }
        return null;
    }
}
