package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.ExternalCommand;
import dev.shardgate.cli.postgres.ProcessResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** psql with a full conninfo string (sslmode, sslrootcert, sslcert…), each command a {@code -c}. */
public final class TlsPsql {
    private TlsPsql() {
    }

    /** {@code host=localhost hostaddr=127.0.0.1}: verify-full checks the name, the socket goes to 127.0.0.1. */
    public static String conninfo(int port, String user, String database, String ssl) {
        return "host=localhost hostaddr=127.0.0.1 port=" + port + " user=" + user + " dbname=" + database
                + " connect_timeout=10 " + ssl;
    }

    public static String verifyFull(Path rootCert) {
        return "sslmode=verify-full sslrootcert=" + rootCert;
    }

    public static ProcessResult run(String conninfo, String password, String... commands) {
        List<String> argv = new ArrayList<>(List.of("psql", "-X", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-d", conninfo));
        for (String command : commands) {
            argv.add("-c");
            argv.add(command);
        }
        ExternalCommand command = ExternalCommand.of(argv);
        if (password != null) {
            command = command.withEnvironment("PGPASSWORD", password);
        }
        return command.run(Duration.ofSeconds(60));
    }
}
