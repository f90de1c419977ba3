package dev.shardgate.router.route;

import dev.shardgate.meta.Metadata;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

/**
 * A DO block runs code the router cannot read (PL/pgSQL or another language) that may read or write
 * any relation. Routed like a statement without relations it would run on one shard (the
 * transaction's, or the first) and see or change that shard's part of a distributed relation only, or
 * one copy of a reference relation. So, once such relations exist, a DO block runs only where a hint
 * sends it on purpose ({@code __spqr__execute_on}, {@code __spqr__sharding_key}), which the router
 * applies before it routes statements one by one. CALL is judged like other function calls, by what
 * the catalog says of the procedure (see catalog.SeeThrough).
 */
final class AnonymousBlocks {
    private AnonymousBlocks() {
    }

    /** 0A000 for a DO block while the metadata holds relations it could reach on one shard only. */
    static void refuseWithoutHint(Metadata metadata, Statement statement) {
        if (statement.kind() != StatementKind.DO
                || (metadata.relations().isEmpty() && metadata.referenceRelations().isEmpty())) {
            return; // with nothing distributed or copied, every shard holds its own tables only
        }
        throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                "DO blocks are not supported while distributed or reference relations exist: the block may read or"
                        + " write them, and would run on one shard only")
                .withHint("To run it on one shard on purpose, name the shard: /*__spqr__execute_on: <shard>*/ before the"
                        + " statement (or SET __spqr__execute_on), or give its sharding key with /*__spqr__sharding_key: <key>*/.");
    }
}
