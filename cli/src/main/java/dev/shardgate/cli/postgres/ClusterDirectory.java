package dev.shardgate.cli.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files of one local server: {@code <root>/data} is the data directory, the unix socket lives
 * in {@code <root>} and the server log in {@code <root>/data/<name>.log}.
 *
 * <p>When we are root the server runs as the {@code postgres} OS user, so the root directory is
 * owned by that user and every directory above it must be enterable by others.
 */
record ClusterDirectory(Path root, Path dataDirectory, Path logFile) {

    /** sun_path of a unix socket holds 108 bytes including the terminating zero. */
    private static final int MAX_SOCKET_PATH = 107;

    static ClusterDirectory create(Path baseDirectory, String name) {
        try {
            Path base = baseDirectory.toAbsolutePath().normalize();
            Files.createDirectories(base);
            if (ExternalCommand.runningAsRoot()) {
                makeEnterableByServerUser(base);
            }
            Path root = Files.createTempDirectory(base, name + "-");
            ClusterDirectory directory = new ClusterDirectory(root, root.resolve("data"), root.resolve("data").resolve(name + ".log"));
            String socket = root.resolve(".s.PGSQL.65535").toString();
            if (socket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                directory.delete();
                throw new LocalPostgresException("base directory " + base + " is too deep for a unix socket path ("
                        + socket + "); use a shorter one such as /tmp/shardgate");
            }
            if (ExternalCommand.runningAsRoot()) {
                giveToServerUser(root);
            }
            return directory;
        } catch (IOException e) {
            throw new LocalPostgresException("cannot create a server directory under " + baseDirectory + ": " + e, e);
        }
    }

    /** The unix_socket_directories value; psql connects through it as the superuser. */
    Path socketDirectory() {
        return root;
    }

    void writeConfiguration(AuthMethod hostAuth, Map<String, String> extraSettings) {
        writeConfiguration(hostAuth, extraSettings, null);
    }

    /** @param tlsOnly when set: ssl on with this certificate, TCP clients admitted by hostssl lines only */
    void writeConfiguration(AuthMethod hostAuth, Map<String, String> extraSettings, ServerCertificate tlsOnly) {
        String hba = """
                # Written by shardgate: trusted unix socket for setup, %1$s over TCP from 127.0.0.1 only.
                # TYPE  DATABASE     USER  ADDRESS       METHOD
                local   all          all                 trust
                local   replication  all                 trust
                %2$s    all          all   127.0.0.1/32  %1$s
                %2$s    replication  all   127.0.0.1/32  %1$s
                """.formatted(hostAuth.hbaMethod(), tlsOnly == null ? "host   " : "hostssl");
        StringBuilder conf = new StringBuilder("""

                # Written by shardgate: a throw-away server, fast to start, never durable.
                listen_addresses = '127.0.0.1'
                unix_socket_directories = %s
                max_connections = 300
                max_prepared_transactions = 100
                fsync = off
                synchronous_commit = off
                full_page_writes = off
                shared_buffers = 32MB
                password_encryption = '%s'
                log_line_prefix = '%%m [%%p] %%q%%u@%%d '
                """.formatted(SqlText.literal(socketDirectory().toString()), hostAuth.passwordEncryption()));
        extraSettings.forEach((setting, value) -> conf.append(setting).append(" = ").append(value).append('\n'));
        try {
            if (tlsOnly != null) {
                installCertificate(tlsOnly);
                conf.append("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
            }
            // Both files exist (initdb wrote them) and keep their owner when overwritten.
            Files.writeString(dataDirectory.resolve("pg_hba.conf"), hba);
            Files.writeString(dataDirectory.resolve("postgresql.conf"), conf,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LocalPostgresException("cannot write the configuration in " + dataDirectory + ": " + e, e);
        }
    }

    /**
     * Makes a base backup of another server this server's own: the copied postgresql.conf names the
     * primary's socket directory, and a later line wins (Setting Parameters, 20.1.2). The primary's
     * log file, copied along, is deleted. hot_standby is PostgreSQL 15's default, written to be sure;
     * hot_standby_feedback keeps the primary's vacuum from removing rows a standby query still
     * reads, so reads on a standby are not cancelled by replay conflicts.
     */
    void writeStandbyConfiguration(Path copiedPrimaryLog) {
        String conf = """

                # Written by shardgate: this server is a streaming standby of the server it was copied from.
                unix_socket_directories = %s
                hot_standby = on
                hot_standby_feedback = on
                """.formatted(SqlText.literal(socketDirectory().toString()));
        try {
            Files.deleteIfExists(dataDirectory.resolve(copiedPrimaryLog.getFileName().toString()));
            Files.writeString(dataDirectory.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new LocalPostgresException("cannot write the standby configuration in " + dataDirectory + ": " + e, e);
        }
    }

    /** PostgreSQL refuses a key file others can read; as root the files become the server user's. */
    private void installCertificate(ServerCertificate certificate) throws IOException {
        Path cert = dataDirectory.resolve("server.crt");
        Path key = dataDirectory.resolve("server.key");
        Files.copy(certificate.certFile(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certificate.keyFile(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        if (ExternalCommand.runningAsRoot()) {
            giveToServerUser(cert);
            giveToServerUser(key);
        }
    }

    /** The postmaster named in postmaster.pid, whether or not it still runs. */
    Optional<Postmaster> postmaster() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty() || lines.getFirst().isBlank()
                    ? Optional.empty()
                    : Optional.of(new Postmaster(Long.parseLong(lines.getFirst().strip())));
        } catch (IOException | NumberFormatException e) {
            // No file means no server was started here or it shut down cleanly.
            return Optional.empty();
        }
    }

    /**
     * Deletes the lock files of a postmaster that no longer runs. PostgreSQL removes them itself
     * when their pid is gone, but a killed postmaster stays a zombie until its parent, pid 1,
     * reaps it, and in containers whose pid 1 reaps lazily the new postmaster would take the
     * zombie for a running server.
     */
    void removeStaleLockFiles(int port) {
        if (postmaster().map(Postmaster::isAlive).orElse(true)) {
            return;
        }
        try {
            Files.deleteIfExists(socketDirectory().resolve(".s.PGSQL." + port + ".lock"));
            Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
        } catch (IOException e) {
            throw new LocalPostgresException("cannot remove the lock files of the dead postmaster in " + root + ": " + e, e);
        }
    }

    /** The last lines of the server log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no server log at " + logFile + ")";
        }
    }

    void delete() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new LocalPostgresException("cannot delete " + root + ": " + e, e);
        }
    }

    private static void makeEnterableByServerUser(Path base) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(base);
        if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            permissions.add(PosixFilePermission.GROUP_EXECUTE);
            permissions.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(base, permissions);
        }
        for (Path above = base.getParent(); above != null; above = above.getParent()) {
            if (!Files.getPosixFilePermissions(above).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new LocalPostgresException("the " + ExternalCommand.SERVER_OS_USER + " OS user cannot enter "
                        + above + " (mode " + PosixFilePermissions.toString(Files.getPosixFilePermissions(above))
                        + "), so it cannot reach " + base + "; use a base directory under /tmp");
            }
        }
    }

    private static void giveToServerUser(Path root) throws IOException {
        UserPrincipalLookupService users = FileSystems.getDefault().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(root, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName(ExternalCommand.SERVER_OS_USER));
        view.setGroup(users.lookupPrincipalByGroupName(ExternalCommand.SERVER_OS_USER));
    }
}
