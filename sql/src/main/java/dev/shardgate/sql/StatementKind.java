package dev.shardgate.sql;

/** What a statement does, as far as routing cares. */
public enum StatementKind {
    SELECT, INSERT, UPDATE, DELETE,
    BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO,
    PREPARE_TRANSACTION, COMMIT_PREPARED, ROLLBACK_PREPARED,
    SET, RESET, SHOW, DISCARD,
    COPY,
    /** CREATE, ALTER, DROP, TRUNCATE, COMMENT, GRANT and the like, and SELECT … INTO. */
    DDL,
    EXPLAIN,
    PREPARE, EXECUTE, DEALLOCATE,
    /** LISTEN and UNLISTEN. */
    LISTEN,
    NOTIFY,
    /** DO: an anonymous code block, which may read and write any relation. */
    DO,
    /** CALL of a procedure, which may read and write any relation. */
    CALL,
    /** Everything else: VACUUM, LOCK, MERGE, cursors, CHECKPOINT, … */
    OTHER
}
