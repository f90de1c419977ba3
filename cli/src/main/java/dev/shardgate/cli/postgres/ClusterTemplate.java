package dev.shardgate.cli.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * One initdb per JVM and installation; every server starts from a copy of its data directory.
 * initdb bootstraps the catalogs and takes seconds on a busy machine, a copy a fraction of that.
 * The copy keeps owner and modes, so the files stay the postgres OS user's when we are root.
 */
final class ClusterTemplate {
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<Path, ClusterDirectory> TEMPLATES = new HashMap<>();

    private ClusterTemplate() {
    }

    /** Fills the not yet existing {@code dataDirectory} with a freshly initialized cluster. */
    static void copyInto(PostgresInstallation installation, Path dataDirectory) {
        Path template = templateFor(installation).dataDirectory();
        try (Stream<Path> tree = Files.walk(template)) {
            for (Path source : tree.toList()) {
                Files.copy(source, dataDirectory.resolve(template.relativize(source).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LocalPostgresException("cannot copy the template cluster " + template + " to " + dataDirectory + ": " + e, e);
        }
    }

    /** Deletes the templates; the JVM is exiting. */
    static void deleteAll() {
        LOCK.lock();
        try {
            for (ClusterDirectory template : List.copyOf(TEMPLATES.values())) {
                template.delete();
            }
            TEMPLATES.clear();
        } finally {
            LOCK.unlock();
        }
    }

    private static ClusterDirectory templateFor(PostgresInstallation installation) {
        LOCK.lock();
        try {
            ClusterDirectory template = TEMPLATES.get(installation.binDirectory());
            if (template == null || !Files.isRegularFile(template.dataDirectory().resolve("PG_VERSION"))) {
                template = initdb(installation);
                TEMPLATES.put(installation.binDirectory(), template);
            }
            return template;
        } finally {
            LOCK.unlock();
        }
    }

    private static ClusterDirectory initdb(PostgresInstallation installation) {
        ClusterDirectory template = ClusterDirectory.create(Path.of(System.getProperty("java.io.tmpdir")), "shardgate-template");
        try {
            // Authentication is rewritten for each copy; the template trusts everyone.
            ExternalCommand.of(installation.binary("initdb").toString(),
                            "-D", template.dataDirectory().toString(), "-U", LocalPostgres.SUPERUSER,
                            "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions", "--auth=trust")
                    .asServerUser()
                    .run(INITDB_TIMEOUT)
                    .requireSuccess("initdb of the template cluster in " + template.root());
            return template;
        } catch (RuntimeException e) {
            try {
                template.delete();
            } catch (RuntimeException deleteFailure) {
                e.addSuppressed(deleteFailure);
            }
            throw e;
        }
    }
}
