package dev.shardgate.console.ast;

/**
 * {@code MOVE KEY RANGE id TO shard [META ONLY]}. On a router's console it only changes the
 * metadata (the data is expected to be there already); on the coordinator it moves the rows too,
 * unless {@code META ONLY} asks for the routing change alone, as SPQR's does.
 */
public record MoveKeyRange(String id, String shard, boolean metaOnly) implements ConsoleStatement {

    public MoveKeyRange(String id, String shard) {
        this(id, shard, false);
    }
}
