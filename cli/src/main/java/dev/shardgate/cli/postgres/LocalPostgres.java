package dev.shardgate.cli.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server in a directory of its own, listening on 127.0.0.1 at a free port,
 * with superuser {@value #SUPERUSER} (password {@value #SUPERUSER_PASSWORD}). Unix-socket
 * connections are trusted; TCP connections authenticate with the chosen {@link AuthMethod}.
 *
 * <p>Built for speed, not durability (fsync, synchronous_commit and full_page_writes are off).
 * {@link #close()} stops the server and deletes its directory; a JVM shutdown hook closes servers
 * nobody closed.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "postgres";
    public static final String HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration PSQL_TIMEOUT = Duration.ofMinutes(2);
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_TAIL_LINES = 30;

    private final PostgresInstallation installation;
    private final String name;
    private final AuthMethod hostAuth;
    private final ClusterDirectory directory;
    private volatile int port;
    private volatile boolean closed;

    private LocalPostgres(PostgresInstallation installation, String name, AuthMethod hostAuth, ClusterDirectory directory) {
        this.installation = installation;
        this.name = name;
        this.hostAuth = hostAuth;
        this.directory = directory;
    }

    public static LocalPostgres start(Path baseDir, String name, AuthMethod hostAuth) {
        return start(baseDir, name, hostAuth, Map.of());
    }

    /**
     * Creates a cluster in a new directory under {@code baseDir} (named after {@code name}) and
     * starts it. {@code extraSettings} are appended to postgresql.conf as {@code key = value},
     * values written as postgresql.conf wants them (strings in single quotes). On any failure
     * the server is stopped and its directory deleted before the exception propagates.
     */
    public static LocalPostgres start(Path baseDir, String name, AuthMethod hostAuth, Map<String, String> extraSettings) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("server name must match " + NAME + ": " + name);
        }
        PostgresInstallation installation = PostgresInstallation.locate();
        LocalPostgres server = new LocalPostgres(installation, name, hostAuth, ClusterDirectory.create(baseDir, name));
        RunningServers.track(server);
        try {
            ClusterTemplate.copyInto(installation, server.dataDir());
            server.directory.writeConfiguration(hostAuth, extraSettings);
            server.launchOnFreePort();
            server.psql(SUPERUSER, "ALTER ROLE " + SUPERUSER + " PASSWORD " + SqlText.literal(SUPERUSER_PASSWORD));
            LOG.info("postgres started name={} port={} auth={} dir={}", name, server.port, hostAuth, server.directory.root());
            return server;
        } catch (RuntimeException e) {
            server.discardAfter(e);
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public AuthMethod hostAuth() {
        return hostAuth;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return directory.dataDirectory();
    }

    public Path logFile() {
        return directory.logFile();
    }

    /** The unix socket directory; psql {@code -h} takes it for socket connections. */
    public Path socketDir() {
        return directory.socketDirectory();
    }

    public String jdbcUrl(String db) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + db;
    }

    /** Whether the postmaster of this server is running. */
    public boolean isRunning() {
        return directory.postmaster().map(Postmaster::isAlive).orElse(false);
    }

    /** Creates a login role, or updates its password when it exists; a null password means none. */
    public void createUser(String user, String password) {
        psql(SUPERUSER, """
                DO $create$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = %s) THEN
                    CREATE ROLE %s;
                  END IF;
                END $create$;
                ALTER ROLE %2$s LOGIN PASSWORD %s;
                """.formatted(SqlText.literal(user), SqlText.identifier(user),
                        password == null ? "NULL" : SqlText.literal(password)));
    }

    /** Creates a database unless it exists; a null owner means the superuser. */
    public void createDatabase(String db, String owner) {
        String create = "CREATE DATABASE " + SqlText.identifier(db)
                + (owner == null ? "" : " OWNER " + SqlText.identifier(owner));
        // CREATE DATABASE cannot run inside DO; \gexec runs it only when the SELECT returns a row.
        psql(SUPERUSER, "SELECT " + SqlText.literal(create)
                + " WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = " + SqlText.literal(db) + ")\n\\gexec\n");
    }

    /**
     * Runs SQL (statements and psql meta-commands, one script) as the superuser over the unix
     * socket, stopping at the first error. Returns the unaligned, tuples-only output without its
     * trailing newline; throws with psql's stderr when anything fails.
     */
    public String psql(String db, String sql) {
        ProcessResult result = ExternalCommand.of(installation.binary("psql").toString(),
                        "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                        "-h", socketDir().toString(), "-p", Integer.toString(port),
                        "-U", SUPERUSER, "-d", db, "-f", "-")
                .withInput(sql)
                .run(PSQL_TIMEOUT);
        if (!result.succeeded()) {
            throw new LocalPostgresException("psql on server " + name + " database " + db + " failed: "
                    + result.stderr().strip() + "\nSQL:\n" + sql.strip());
        }
        return result.stdout().stripTrailing();
    }

    /** Stops the server with a fast shutdown (clients disconnected, no waiting for them). */
    public void stop() {
        if (!isRunning()) {
            return;
        }
        pgCtl("stop", "-D", dataDir().toString(), "-m", "fast", "-w", "-t", Long.toString(PG_CTL_TIMEOUT.toSeconds()))
                .requireSuccess("pg_ctl stop of server " + name);
        LOG.info("postgres stopped name={} port={}", name, port);
    }

    /**
     * SIGKILLs the postmaster and its backends, as a crash would: no shutdown checkpoint, and
     * the next {@link #restart()} runs crash recovery. Without fsync nothing reaches the disk
     * that the OS had not written, so only a crash of the process, not of the host, is simulated.
     */
    public void kill() {
        directory.postmaster().ifPresent(postmaster -> {
            postmaster.killWithBackends(Duration.ofSeconds(10));
            LOG.info("postgres killed name={} port={} pid={}", name, port, postmaster.pid());
        });
    }

    /** Starts the server again on the same port, stopping it first if it runs. */
    public void restart() {
        if (closed) {
            throw new IllegalStateException("server " + name + " is closed");
        }
        stop();
        directory.removeStaleLockFiles(port);
        ProcessResult result = launch(port);
        if (!result.succeeded()) {
            throw new LocalPostgresException("server " + name + " did not restart on port " + port + ": "
                    + result.stderr().strip() + "\nlast lines of " + directory.logFile() + ":\n"
                    + directory.logTail(LOG_TAIL_LINES));
        }
        LOG.info("postgres restarted name={} port={}", name, port);
    }

    /** Stops the server if it runs and deletes its directory. Never throws; safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("postgres stop failed, killing it name={} error={}", name, e.getMessage());
            try {
                kill();
            } catch (RuntimeException killFailure) {
                LOG.warn("postgres kill failed name={} error={}", name, killFailure.getMessage());
            }
        }
        try {
            directory.delete();
        } catch (RuntimeException e) {
            LOG.warn("postgres directory not deleted name={} error={}", name, e.getMessage());
        }
        RunningServers.forget(this);
    }

    @Override
    public String toString() {
        return "LocalPostgres[" + name + " " + HOST + ":" + port + " " + hostAuth + "]";
    }

    /** The port comes from binding port 0; someone may take it before postgres binds, so retry. */
    private void launchOnFreePort() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            ProcessResult result = launch(port);
            if (result.succeeded()) {
                return;
            }
            String log = directory.logTail(LOG_TAIL_LINES);
            boolean portTaken = log.contains("could not bind") || log.contains("Address already in use");
            if (!portTaken || attempt == PORT_ATTEMPTS) {
                throw new LocalPostgresException("server " + name + " did not start (pg_ctl exit code "
                        + result.exitCode() + "): " + result.stderr().strip() + result.stdout().strip()
                        + "\nlast lines of " + directory.logFile() + ":\n" + log);
            }
            LOG.info("postgres port taken, retrying name={} port={}", name, port);
        }
    }

    private ProcessResult launch(int onPort) {
        return pgCtl("start", "-D", dataDir().toString(), "-l", directory.logFile().toString(),
                "-w", "-t", Long.toString(PG_CTL_TIMEOUT.toSeconds()), "-o", "-p " + onPort);
    }

    private ProcessResult pgCtl(String... arguments) {
        String[] argv = new String[arguments.length + 1];
        argv[0] = installation.binary("pg_ctl").toString();
        System.arraycopy(arguments, 0, argv, 1, arguments.length);
        // pg_ctl's own -t bounds the wait; the extra time covers pg_ctl itself.
        return ExternalCommand.of(argv).asServerUser().run(PG_CTL_TIMEOUT.plusSeconds(30));
    }

    private void discardAfter(RuntimeException failure) {
        closed = true;
        try {
            kill();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        try {
            directory.delete();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        RunningServers.forget(this);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new LocalPostgresException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
