package dev.shardgate.router.route;

import dev.shardgate.meta.Metadata;
import dev.shardgate.sql.Statement;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DO blocks and CALL run code the router cannot read: a block's body (PL/pgSQL or another language)
 * or a procedure's may read or write any relation. Routed like a statement without relations they
 * would run on one shard (the transaction's, or the first) and see or change that shard's part of a
 * distributed relation only, or one copy of a reference relation. So, once such relations exist, they
 * run only where a hint sends them on purpose ({@code __spqr__execute_on}, {@code __spqr__sharding_key}),
 * which the router applies before routing statements one by one.
 */
final class OpaqueCode {
    private static final Pattern CALLED = Pattern.compile("(?is)\\bcall\\s+([\\w.\"$]+)");
    private static final String HINT = "To run it on one shard on purpose, name the shard: /*__spqr__execute_on: <shard>*/"
            + " before the statement (or SET __spqr__execute_on), or give its sharding key with /*__spqr__sharding_key: <key>*/.";

    private OpaqueCode() {
    }

    /** 0A000 for a DO block or CALL while the metadata holds relations it could reach on one shard only. */
    static void refuseWithoutHint(Metadata metadata, Statement statement) {
        if (metadata.relations().isEmpty() && metadata.referenceRelations().isEmpty()) {
            return; // every shard holds its own tables only: the first one serves, as for any statement
        }
        switch (statement.kind()) {
            case DO -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "DO blocks are not supported while distributed or reference relations exist: the block may read or"
                            + " write them, and would run on one shard only").withHint(HINT);
            case CALL -> {
                Matcher m = CALLED.matcher(statement.text());
                String name = m.find() ? m.group(1) : "?";
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "procedure " + name
                        + " may read or write distributed or reference relations, and would run on one shard only: "
                        + "the router cannot see which relations a procedure uses").withHint(HINT);
            }
            default -> { }
        }
    }
}
