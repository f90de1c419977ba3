package dev.shardgate.cli.postgres;

/** A local PostgreSQL server or one of its programs (initdb, pg_ctl, psql, …) failed. */
public final class LocalPostgresException extends RuntimeException {
    public LocalPostgresException(String message) {
        super(message);
    }

    public LocalPostgresException(String message, Throwable cause) {
        super(message, cause);
    }
}
