package dev.shardgate.qdb;

import dev.shardgate.meta.MetadataException;
import java.nio.file.Path;

/** The store itself failed: its file is unreadable, corrupt or not writable, or it is closed. */
public final class QdbException extends MetadataException {

    public QdbException(String sqlState, String message, Throwable cause) {
        super(sqlState, message, cause);
    }

    static QdbException corrupt(Path file, String what, Throwable cause) {
        return new QdbException(DATA_CORRUPTED, "qdb file " + file + " is corrupt: " + what, cause);
    }

    static QdbException io(String doing, Path file, Exception cause) {
        return new QdbException(IO_ERROR, "could not " + doing + " qdb file " + file + ": " + cause, cause);
    }

    static QdbException closed() {
        return new QdbException(OBJECT_NOT_IN_PREREQUISITE_STATE, "qdb is closed", null);
    }
}
