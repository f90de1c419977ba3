package dev.shardgate.console.replica;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

/** A write-ahead log position, as PostgreSQL's pg_lsn prints it: {@code 16/B374D848}. */
public record Lsn(long value) implements Comparable<Lsn> {
    public static final Lsn ZERO = new Lsn(0);

    /** @throws PgException 22P02 for text that is no pg_lsn */
    public static Lsn parse(String text) {
        int slash = text.indexOf('/');
        try {
            if (slash <= 0 || slash > 8 || text.length() - slash - 1 > 8 || slash == text.length() - 1) {
                throw new NumberFormatException(text);
            }
            long high = Long.parseLong(text.substring(0, slash), 16);
            long low = Long.parseLong(text.substring(slash + 1), 16);
            return new Lsn(high << 32 | low);
        } catch (NumberFormatException e) {
            throw new PgException(SqlState.INVALID_TEXT_REPRESENTATION,
                    "invalid input syntax for type pg_lsn: \"" + text + "\"");
        }
    }

    /** Bytes of WAL from {@code earlier} to this position; 0 when {@code earlier} is not earlier. */
    public long bytesAfter(Lsn earlier) {
        return Long.compareUnsigned(value, earlier.value) > 0 ? value - earlier.value : 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
