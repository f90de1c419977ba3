package dev.shardgate.cli.postgres;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * pg_basebackup of a running server into a new data directory, made ready to start as its
 * streaming standby: {@code -R} writes standby.signal and primary_conninfo, {@code -X stream}
 * brings the WAL written during the copy, {@code -c fast} does not wait for a spread checkpoint.
 *
 * <p>Each standby gets a physical replication slot on its primary ({@code -C -S}), so WAL the
 * standby has not received yet is kept while the standby is stopped or killed, whatever
 * checkpoints happen meanwhile (Log-Shipping Standby Servers, "Replication Slots").
 */
final class BaseBackup {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private BaseBackup() {
    }

    /** A slot name (lower-case letters, digits, underscores; at most 63 bytes) for a standby. */
    static String slotFor(String standbyName) {
        String slot = "standby_" + standbyName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return slot.length() > 63 ? slot.substring(0, 63) : slot;
    }

    /**
     * Copies {@code primary} into {@code dataDirectory}, which must not exist yet. Connects as the
     * superuser over TCP, as the standby will; the password goes through the environment, and -R
     * writes it into primary_conninfo in postgresql.auto.conf so that the standby can authenticate.
     */
    static void take(PostgresInstallation installation, LocalPostgres primary, Path dataDirectory, String slot) {
        requireReplicationAllowed(primary);
        String conninfo = "host=" + primary.host() + " port=" + primary.port() + " user=" + LocalPostgres.SUPERUSER
                + " application_name=" + slot;
        ExternalCommand.of(installation.binary("pg_basebackup").toString(),
                        "-d", conninfo, "-D", dataDirectory.toString(),
                        "-R", "-X", "stream", "-c", "fast", "-C", "-S", slot, "--no-sync")
                .withEnvironment("PGPASSWORD", LocalPostgres.SUPERUSER_PASSWORD)
                .asServerUser()
                .run(TIMEOUT)
                .requireSuccess("pg_basebackup of server " + primary.name() + " into " + dataDirectory);
    }

    /**
     * PostgreSQL 15's defaults allow streaming (wal_level replica, max_wal_senders 10), and the
     * clusters we write keep them; a server started with other settings gets a clear error here
     * instead of pg_basebackup's.
     */
    private static void requireReplicationAllowed(LocalPostgres primary) {
        String settings = primary.psql("postgres",
                "SELECT current_setting('wal_level') || ' ' || current_setting('max_wal_senders')"
                        + " || ' ' || current_setting('max_replication_slots')");
        String[] values = settings.split(" ");
        if (values[0].equals("minimal") || Integer.parseInt(values[1]) < 1 || Integer.parseInt(values[2]) < 1) {
            throw new LocalPostgresException("server " + primary.name() + " cannot have standbys: wal_level="
                    + values[0] + " max_wal_senders=" + values[1] + " max_replication_slots=" + values[2]
                    + " (needs wal_level replica or logical and at least one WAL sender and slot)");
        }
    }
}
