package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.ExternalCommand;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.PostgresInstallation;
import dev.shardgate.cli.postgres.ProcessResult;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** The real pgbench of the PostgreSQL installation, connecting over TCP; password in PGPASSWORD. */
public record Pgbench(String host, int port, String user, String password, String database) {

    public static Pgbench superuser(LocalPostgres server, String database) {
        return new Pgbench(server.host(), server.port(), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD, database);
    }

    /** {@code pgbench -i -s scale}: creates and fills the pgbench tables. */
    public ProcessResult initialize(int scale, Duration timeout) {
        return run(timeout, "-i", "-s", Integer.toString(scale), "-q");
    }

    /** pgbench with these options (for example {@code "-S", "-T", "2"}) and the connection options. */
    public ProcessResult run(Duration timeout, String... options) {
        List<String> argv = Stream.concat(
                        Stream.of(PostgresInstallation.locate().binary("pgbench").toString(),
                                "-h", host, "-p", Integer.toString(port), "-U", user),
                        Stream.concat(Stream.of(options), Stream.of(database)))
                .toList();
        ExternalCommand command = ExternalCommand.of(argv).withEnvironment("PGCONNECT_TIMEOUT", "10");
        if (password != null) {
            command = command.withEnvironment("PGPASSWORD", password);
        }
        return command.run(timeout);
    }
}
