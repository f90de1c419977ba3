package dev.shardgate.router.scatter;

import dev.shardgate.router.route.BoundValues;
import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigInteger;
import java.util.SortedSet;

/**
 * {@code LIMIT $1 OFFSET $2} of a multi-shard SELECT, as the values bound to it: the shards return
 * every row (their LIMIT and OFFSET were taken out) and the merge cuts them to these. A NULL is no
 * LIMIT, or OFFSET 0, as in PostgreSQL; a negative value is PostgreSQL's error.
 */
public final class BoundWindow {
    private BoundWindow() {
    }

    public static MultiShardShape.Select of(MultiShardShape.Select select, BoundValues bound, SortedSet<String> shards) {
        long limit = select.limitParameter() > 0 ? value(bound, select.limitParameter(), "LIMIT", shards) : select.limit();
        long offset = select.offsetParameter() > 0 ? value(bound, select.offsetParameter(), "OFFSET", shards) : select.offset();
        if (select.offsetParameter() > 0 && offset < 0) {
            offset = 0; // OFFSET NULL
        }
        return select.bound(limit, offset);
    }

    /** The bound value, -1 for NULL. */
    private static long value(BoundValues bound, int parameter, String clause, SortedSet<String> shards) {
        if (bound == null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, clause + " $" + parameter
                    + " of a query on several shards (" + String.join(", ", shards) + ") has no bound value");
        }
        if (bound.isNull(parameter)) {
            return -1;
        }
        String text = bound.text(parameter);
        if (text == null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, clause + " $" + parameter
                    + " of a query on several shards (" + String.join(", ", shards) + ") is bound to a value of a type the router does not read");
        }
        BigInteger number;
        try {
            number = new BigInteger(text.strip());
        } catch (NumberFormatException e) {
            throw new PgException(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bigint: \"" + text + "\"");
        }
        if (number.bitLength() > 63) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value \"" + text + "\" is out of range for type bigint");
        }
        if (number.signum() < 0) {
            throw new PgException("LIMIT".equals(clause) ? SqlState.INVALID_ROW_COUNT_IN_LIMIT_CLAUSE
                    : SqlState.INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE, clause + " must not be negative");
        }
        return number.longValue();
    }
}
