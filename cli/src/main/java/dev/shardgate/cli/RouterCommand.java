package dev.shardgate.cli;

import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.ConfigException;
import dev.shardgate.router.config.RouterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code shardgate router --config router.yaml}: runs a router until it is stopped. */
@Command(name = "router", mixinStandardHelpOptions = true, description = "Run a router.")
final class RouterCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "router.yaml in SPQR's shape")
    private Path config;

    @Override
    public Integer call() throws Exception {
        RouterConfig routerConfig;
        try {
            routerConfig = RouterConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("shardgate: " + e.getMessage());
            return 2;
        }
        Logging.setLevel(routerConfig.logLevel().name());
        JvmSettings.current().log();
        RouterServer server;
        try {
            server = RouterServer.start(routerConfig, config);
        } catch (RuntimeException | java.io.IOException e) {
            // a corrupt qdb_file, a failing init_sql, a port in use: one line naming the cause
            System.err.println("shardgate: router did not start: " + e.getMessage());
            return 1;
        }
        server.reloader().logLevelsTo(level -> Logging.setLevel(level.name()));
        Hangup.onSignal(() -> server.reloader().reload("SIGHUP"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(); // the JVM waits for this hook: the drain ends before the process does
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
