package dev.shardgate.sql;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a statement does to data, as far as the router can vouch for it from the text alone: a
 * standby may serve a {@link #READ}, never a {@link #WRITE}. Whatever the router cannot vouch for
 * is a write: a function outside PostgreSQL's built-ins (its body is the catalog's, and may write),
 * EXECUTE of a prepared statement, DO, CALL, COPY, LISTEN and NOTIFY (a standby refuses both),
 * anything unparsed.
 */
public enum DataAccess {
    /** Touches no data: transaction control, SET, RESET, SHOW, DISCARD, PREPARE, DEALLOCATE. */
    NONE,
    /** Reads only: a SELECT (or EXPLAIN, VALUES, TABLE) without row locks, data-modifying WITH or writing function. */
    READ,
    /** Writes, or may: everything the router cannot vouch for as a read. */
    WRITE;

    /**
     * SELECT … FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE takes row locks, which a standby
     * refuses ("cannot execute SELECT FOR UPDATE in a read-only transaction"). Read from the text:
     * a match inside a literal or comment only makes the statement a write, the safe side.
     */
    private static final Pattern ROW_LOCK = Pattern.compile(
            "(?i)\\bfor\\s+(?:update|no\\s+key\\s+update|share|key\\s+share)\\b");

    /** The access of the whole query string: its strongest statement's; an unparsed text is a write. */
    public static DataAccess of(Analysis analysis) {
        if (analysis == null || !analysis.isParsed()) {
            return WRITE;
        }
        return of(analysis.statements());
    }

    /** The strongest access among {@code statements}; NONE for none. */
    public static DataAccess of(List<Statement> statements) {
        DataAccess strongest = NONE;
        for (Statement statement : statements) {
            DataAccess access = of(statement);
            if (access.compareTo(strongest) > 0) {
                strongest = access;
            }
        }
        return strongest;
    }

    public static DataAccess of(Statement statement) {
        return switch (statement.kind()) {
            case BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO, SET, RESET, SHOW, DISCARD,
                 PREPARE, DEALLOCATE -> NONE;
            case SELECT, EXPLAIN -> readsOnly(statement) ? READ : WRITE;
            case INSERT, UPDATE, DELETE, PREPARE_TRANSACTION, COMMIT_PREPARED, ROLLBACK_PREPARED, COPY, DDL,
                 EXECUTE, LISTEN, NOTIFY, DO, CALL, OTHER -> WRITE;
        };
    }

    private static boolean readsOnly(Statement statement) {
        if (!statement.writes().isEmpty() || ROW_LOCK.matcher(statement.text()).find()) {
            return false;
        }
        for (FunctionRef function : statement.functions()) {
            if (!function.isReadOnlyBuiltIn()) {
                return false;
            }
        }
        return true;
    }
}
