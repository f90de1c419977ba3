package dev.shardgate.qdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store kept in memory and in one YAML file ({@link StateFile}). Every change writes the whole
 * state to {@code <file>.tmp}, fsyncs it, renames it over the file and fsyncs the directory, so
 * the file always holds either the old or the new state, never a mix. A lock on {@code
 * <file>.lock} keeps a second process (or a second store in this one) from writing the same file.
 */
public final class FileQdb extends StoredQdb {
    private static final Logger LOG = LoggerFactory.getLogger(FileQdb.class);

    private final Path file;
    private final Path temporary;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private FileQdb(Path file, QdbState initial, FileChannel lockChannel, FileLock lock) {
        super(initial);
        this.file = file;
        this.temporary = temporaryOf(file);
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the store in {@code file}. A missing file means empty metadata, and the file is created
     * at once so that an unwritable location fails now rather than at the first change. A leftover
     * {@code .tmp} is the remains of an interrupted write and is removed.
     *
     * @throws QdbException when the file cannot be read or written, is corrupt, or is in use
     */
    public static FileQdb open(Path file) {
        Path path = file.toAbsolutePath();
        Path lockFile = path.resolveSibling(path.getFileName() + ".lock");
        FileChannel lockChannel = null;
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(lockChannel);
            if (lock == null) {
                throw new QdbException(QdbException.OBJECT_IN_USE,
                        "qdb file " + path + " is in use by another store (lock " + lockFile + ")", null);
            }
            if (Files.deleteIfExists(temporaryOf(path))) {
                LOG.info("event=qdb_stale_temporary_removed file={}", temporaryOf(path));
            }
            QdbState initial = read(path);
            FileQdb qdb = new FileQdb(path, initial, lockChannel, lock);
            if (!Files.exists(path)) {
                qdb.persist(initial);
            }
            return qdb;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw QdbException.io("open", path, e);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static QdbState read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return QdbState.EMPTY;
        } catch (IOException e) {
            throw QdbException.io("read", path, e);
        }
        return StateFile.parse(path, text);
    }

    @Override
    void persist(QdbState next) {
        byte[] bytes = StateFile.format(next).getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // The rename is durable only once the directory entry is.
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The next write truncates it, and open removes it.
            }
            throw QdbException.io("write", file, e);
        }
    }

    @Override
    void release() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("event=qdb_unlock_failed file={}", file, e);
        }
        closeQuietly(lockChannel);
    }

    private static Path temporaryOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing useful to do: the lock dies with the channel or the process.
            }
        }
    }
}
