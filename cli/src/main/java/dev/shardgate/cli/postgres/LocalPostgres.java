package dev.shardgate.cli.postgres;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
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
    /** The server this one was copied from as a standby and its slot there; null for a primary. */
    private final LocalPostgres upstream;
    private final String upstreamSlot;
    private volatile int port;
    private volatile boolean closed;

    private LocalPostgres(PostgresInstallation installation, String name, AuthMethod hostAuth, ClusterDirectory directory,
                          LocalPostgres upstream, String upstreamSlot) {
        this.installation = installation;
        this.name = name;
        this.hostAuth = hostAuth;
        this.directory = directory;
        this.upstream = upstream;
        this.upstreamSlot = upstreamSlot;
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
        return start(baseDir, name, hostAuth, extraSettings, null);
    }

    /** Like {@link #start(Path, String, AuthMethod, Map)}; with {@code tlsOnly}, TCP clients must use TLS. */
    public static LocalPostgres start(Path baseDir, String name, AuthMethod hostAuth, Map<String, String> extraSettings,
                                      ServerCertificate tlsOnly) {
        requireValidName(name);
        PostgresInstallation installation = PostgresInstallation.locate();
        LocalPostgres server = new LocalPostgres(installation, name, hostAuth, ClusterDirectory.create(baseDir, name), null, null);
        RunningServers.track(server);
        try {
            ClusterTemplate.copyInto(installation, server.dataDir());
            server.directory.writeConfiguration(hostAuth, extraSettings, tlsOnly);
            server.launchOnFreePort();
            server.psql(SUPERUSER, "ALTER ROLE " + SUPERUSER + " PASSWORD " + SqlText.literal(SUPERUSER_PASSWORD));
            LOG.info("postgres started name={} port={} auth={} dir={}", name, server.port, hostAuth, server.directory.root());
            return server;
        } catch (RuntimeException e) {
            server.discardAfter(e);
            throw e;
        }
    }

    /**
     * Starts a streaming standby of the running {@code primary} in a new directory under
     * {@code baseDir}: a pg_basebackup of the primary (never a copy of the cluster template, whose
     * system identifier differs), on a free port of its own, with the primary's authentication,
     * settings and roles. Returns once it accepts read-only connections in recovery. The standby
     * streams through a replication slot of its own on the primary, dropped when the standby is
     * closed. On any failure the standby is stopped and its directory deleted.
     */
    public static LocalPostgres startStandby(Path baseDir, String name, LocalPostgres primary) {
        requireValidName(name);
        if (!primary.isRunning()) {
            throw new LocalPostgresException("server " + primary.name + " is not running; a standby needs a running primary");
        }
        String slot = BaseBackup.slotFor(name);
        LocalPostgres standby = new LocalPostgres(primary.installation, name, primary.hostAuth,
                ClusterDirectory.create(baseDir, name), primary, slot);
        RunningServers.track(standby);
        try {
            BaseBackup.take(standby.installation, primary, standby.dataDir(), slot);
            standby.directory.writeStandbyConfiguration(primary.logFile());
            standby.launchOnFreePort();
            if (!standby.isInRecovery()) {
                throw new LocalPostgresException("server " + name + " started but is not in recovery; standby.signal is missing");
            }
            LOG.info("postgres standby started name={} port={} primary={} slot={} dir={}",
                    name, standby.port, primary.name, slot, standby.directory.root());
            return standby;
        } catch (RuntimeException e) {
            standby.discardAfter(e);
            standby.dropUpstreamSlot();
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

    /** Whether the server is in recovery (a standby), from {@code pg_is_in_recovery()}. */
    public boolean isInRecovery() {
        return psql("postgres", "SELECT pg_is_in_recovery()").equals("t");
    }

    /**
     * Promotes this standby with {@code pg_ctl promote -w}: returns when the server has left
     * recovery and accepts writes. Its standby.signal is gone, so a restart keeps it a primary.
     */
    public void promote() {
        pgCtl("promote", "-D", dataDir().toString(), "-w", "-t", Long.toString(PG_CTL_TIMEOUT.toSeconds()))
                .requireSuccess("pg_ctl promote of server " + name);
        if (isInRecovery()) {
            throw new LocalPostgresException("server " + name + " is still in recovery after pg_ctl promote");
        }
        LOG.info("postgres promoted name={} port={}", name, port);
    }

    /**
     * Pauses WAL replay on this standby ({@code pg_wal_replay_pause()}); WAL keeps arriving but is
     * not applied. Returns once the pause is in effect, so nothing committed on the primary after
     * this call becomes visible here until {@link #resumeReplay()}.
     */
    public void pauseReplay() {
        psql("postgres", "SELECT pg_wal_replay_pause()");
        // Before PostgreSQL 14 the pause took effect at once; since then it is requested and the
        // startup process confirms it before the next record (pg_get_wal_replay_pause_state()).
        waitFor("replay on server " + name + " to pause", PG_CTL_TIMEOUT,
                () -> psql("postgres", "SELECT pg_get_wal_replay_pause_state()").equals("paused"));
        LOG.info("postgres replay paused name={} port={}", name, port);
    }

    /** Resumes WAL replay on this standby ({@code pg_wal_replay_resume()}). */
    public void resumeReplay() {
        psql("postgres", "SELECT pg_wal_replay_resume()");
        LOG.info("postgres replay resumed name={} port={}", name, port);
    }

    /**
     * The end of the last WAL record this standby replayed ({@code pg_last_wal_replay_lsn()}) as
     * text such as {@code 0/3000148}. A server that never was a standby has none and throws.
     */
    public String replayLsn() {
        String lsn = psql("postgres", "SELECT pg_last_wal_replay_lsn()");
        if (lsn.isEmpty()) {
            throw new LocalPostgresException("server " + name + " has replayed no WAL: it never was a standby");
        }
        return lsn;
    }

    /**
     * This primary's WAL write position ({@code pg_current_wal_lsn()}), read after every commit so
     * far is written out. With synchronous_commit off a commit returns before its WAL is written,
     * and only written WAL is streamed; a synchronous commit flushes everything before it, but
     * only when its transaction wrote WAL besides the commit record (RecordTransactionCommit),
     * hence the transactional logical message. Every transaction committed before the call ends
     * at or before this LSN.
     */
    public String currentLsn() {
        return psql("postgres", """
                SET synchronous_commit = on;
                SELECT pg_logical_emit_message(true, 'shardgate', 'current lsn') \\g /dev/null
                SELECT pg_current_wal_lsn();
                """);
    }

    /**
     * Waits until this standby has replayed everything {@code primary} had committed when this
     * method was called (its {@link #currentLsn()}); fails after {@code timeout}, naming both
     * servers and both positions. A paused replay makes it time out.
     */
    public void waitForReplay(LocalPostgres primary, Duration timeout) {
        String target = primary.currentLsn();
        String sql = "SELECT coalesce(pg_last_wal_replay_lsn() >= " + SqlText.literal(target) + "::pg_lsn, false)";
        try {
            waitFor("server " + name + " to replay server " + primary.name + " up to " + target, timeout,
                    () -> psql("postgres", sql).equals("t"));
        } catch (LocalPostgresException e) {
            String replayed;
            try {
                replayed = replayLsn();
            } catch (RuntimeException unknown) {
                replayed = "unknown: " + unknown.getMessage();
            }
            throw new LocalPostgresException(e.getMessage() + " (replayed up to " + replayed + ")", e);
        }
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
        dropUpstreamSlot();
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

    /**
     * Drops this standby's slot on its primary, which would otherwise keep WAL for it forever.
     * Best effort: a primary that is stopped or closed keeps or loses the slot with its directory.
     */
    private void dropUpstreamSlot() {
        if (upstream == null || upstream.closed || !upstream.isRunning()) {
            return;
        }
        try {
            upstream.psql("postgres", "SELECT pg_drop_replication_slot(slot_name) FROM pg_catalog.pg_replication_slots"
                    + " WHERE slot_name = " + SqlText.literal(upstreamSlot) + " AND NOT active");
        } catch (RuntimeException e) {
            LOG.warn("replication slot not dropped name={} primary={} slot={} error={}", name, upstream.name, upstreamSlot, e.getMessage());
        }
    }

    private static void waitFor(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new LocalPostgresException("waited " + timeout + " for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalPostgresException("interrupted while waiting for " + what, e);
            }
        }
    }

    private static void requireValidName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("server name must match " + NAME + ": " + name);
        }
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
