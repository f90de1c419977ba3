package dev.shardgate.qdb;

import dev.shardgate.meta.MetadataException;
import java.nio.file.Path;

/**
 * The store itself failed: its file is unreadable, corrupt or not writable, etcd is unreachable or
 * holds something unreadable, or the store is closed.
 */
public final class QdbException extends MetadataException {
    /** PostgreSQL's code for "retry the transaction": writers kept overtaking this one. */
    public static final String SERIALIZATION_FAILURE = "40001";

    public QdbException(String sqlState, String message, Throwable cause) {
        super(sqlState, message, cause);
    }

    static QdbException corrupt(Path file, String what, Throwable cause) {
        return corrupt(fileSource(file), what, cause);
    }

    /** {@code source} names where the state was read: {@code qdb file /x} or {@code etcd key /y}. */
    static QdbException corrupt(String source, String what, Throwable cause) {
        return new QdbException(DATA_CORRUPTED, source + " is corrupt: " + what, cause);
    }

    static String fileSource(Path file) {
        return "qdb file " + file;
    }

    static QdbException io(String doing, Path file, Exception cause) {
        return new QdbException(IO_ERROR, "could not " + doing + " qdb file " + file + ": " + cause, cause);
    }

    static QdbException closed() {
        return new QdbException(OBJECT_NOT_IN_PREREQUISITE_STATE, "qdb is closed", null);
    }
}
