package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.ExternalCommand;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.PostgresInstallation;
import dev.shardgate.cli.postgres.ProcessResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The real psql client connecting over TCP as {@code user}, the password in PGPASSWORD; output
 * is unaligned and tuples-only ({@code -A -t}) and the first error stops it ({@code ON_ERROR_STOP}).
 * Point it at a router to see what a real client sees.
 */
public record Psql(String host, int port, String user, String password, String database) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final Path SYSTEM_PSQL = Path.of("/usr/bin/psql");

    /** The superuser of {@code server} on {@code database}. */
    public static Psql superuser(LocalPostgres server, String database) {
        return new Psql(server.host(), server.port(), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD, database);
    }

    /** {@code psql -c sql}: the whole text goes to the server as one simple Query message. */
    public ProcessResult command(String sql) {
        return command(sql, DEFAULT_TIMEOUT);
    }

    public ProcessResult command(String sql, Duration timeout) {
        return run(List.of("-c", sql), null, timeout);
    }

    /** {@code psql -f -}: psql splits the script and sends statement after statement. */
    public ProcessResult script(String sql) {
        return script(sql, DEFAULT_TIMEOUT);
    }

    public ProcessResult script(String sql, Duration timeout) {
        return run(List.of("-f", "-"), sql, timeout);
    }

    /**
     * {@code psql -q -f -} with psql's default aligned output: the tables, headers and row counts a
     * person reads, to compare line by line.
     */
    public ProcessResult aligned(String sql) {
        return run(List.of("-q", "-f", "-"), sql, DEFAULT_TIMEOUT, false);
    }

    private ProcessResult run(List<String> sqlSource, String input, Duration timeout) {
        return run(sqlSource, input, timeout, true);
    }

    private ProcessResult run(List<String> sqlSource, String input, Duration timeout, boolean unaligned) {
        Path psql = Files.isExecutable(SYSTEM_PSQL) ? SYSTEM_PSQL : PostgresInstallation.locate().binary("psql");
        List<String> format = unaligned ? List.of("-A", "-t") : List.of();
        List<String> argv = Stream.of(Stream.of(psql.toString(), "-X"), format.stream(), Stream.of("-w", "-v", "ON_ERROR_STOP=1",
                        "-h", host, "-p", Integer.toString(port), "-U", user, "-d", database), sqlSource.stream())
                .flatMap(part -> part)
                .toList();
        ExternalCommand command = ExternalCommand.of(argv).withEnvironment("PGCONNECT_TIMEOUT", "10");
        if (password != null) {
            command = command.withEnvironment("PGPASSWORD", password);
        }
        return command.withInput(input).run(timeout);
    }
}
