package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code ALTER DISTRIBUTION ds ATTACH RELATION r DISTRIBUTION KEY col [HASH FUNCTION h] [AUTO INCREMENT c]
 * [, RELATION …]}, and SPQR's older {@code CREATE [DISTRIBUTED] RELATION r (col [HASH FUNCTION h])
 * [AUTO INCREMENT c] [IN ds]}.
 *
 * @param distribution null only for the older form written without {@code IN ds}, where SPQR
 *                     falls back to its default distribution
 */
public record AttachRelations(String distribution, List<DistributedRelation> relations)
        implements ConsoleStatement {
    public AttachRelations {
        relations = List.copyOf(relations);
    }
}
