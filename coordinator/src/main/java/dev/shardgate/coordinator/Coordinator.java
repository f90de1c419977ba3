package dev.shardgate.coordinator;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.console.server.ConsoleAccess;
import dev.shardgate.console.server.ConsoleServer;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.qdb.EtcdQdb;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.qdb.Qdb;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running coordinator: the QDB that holds the sharding metadata and the registered routers, and
 * the admin console that changes them. Closing stops the console, then the QDB.
 */
public final class Coordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
    /** Where the coordinator's keys live in etcd. */
    public static final String QDB_PREFIX = "/shardgate";

    private final Qdb qdb;
    private final RouterRegistry routers;
    private final ConsoleServer console;

    private Coordinator(Qdb qdb, RouterRegistry routers, ConsoleServer console) {
        this.qdb = qdb;
        this.routers = routers;
        this.console = console;
    }

    /**
     * Opens the QDB ({@code qdb_addr} in etcd, or in memory when empty) and starts the console.
     *
     * @throws IOException when the console port cannot be bound
     * @throws dev.shardgate.qdb.QdbException when etcd does not answer
     */
    public static Coordinator start(CoordinatorConfig config, String version) throws IOException {
        Qdb qdb = config.qdbAddr().isBlank()
                ? new MemoryQdb()
                : EtcdQdb.open(List.of(config.qdbAddr().split(",")), QDB_PREFIX);
        try {
            RouterRegistry routers = new RouterRegistry(qdb);
            ConsoleExecutor executor = new ConsoleExecutor(qdb, RouterStatus.withoutClients(version), routers);
            ConsoleServer console = ConsoleServer.start(config.host(), config.coordinatorPort(),
                    access(config.frontendRules()), executor);
            log.info("event=coordinator_started console_port={} qdb={}", console.port(),
                    config.qdbAddr().isBlank() ? "memory" : config.qdbAddr());
            return new Coordinator(qdb, routers, console);
        } catch (IOException | RuntimeException e) {
            qdb.close();
            throw e;
        }
    }

    /** The rules are a whitelist, like pg_hba.conf: without a matching rule nobody gets in. */
    static ConsoleAccess access(List<ConsoleRule> rules) {
        return (user, database) -> rules.stream()
                .filter(rule -> rule.usr().equals(user) && rule.db().equals(database))
                .findFirst()
                .map(rule -> new ConsoleAccess.Rule(rule.method(), rule.password()));
    }

    /** The console's port, also when 0 was configured. */
    public int consolePort() {
        return console.port();
    }

    public Qdb qdb() {
        return qdb;
    }

    /** Registered routers by id, with their addresses. */
    public Map<String, String> routers() {
        return routers.routers();
    }

    @Override
    public void close() {
        console.close();
        qdb.close();
    }
}
