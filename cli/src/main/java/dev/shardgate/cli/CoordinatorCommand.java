package dev.shardgate.cli;

import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.CoordinatorConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shardgate coordinator --config coordinator.yaml}: runs a coordinator until it is stopped. */
@Command(name = "coordinator", mixinStandardHelpOptions = true, description = "Run a coordinator.")
final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "coordinator.yaml in SPQR's shape")
    private Path config;

    @Override
    public Integer call() throws Exception {
        CoordinatorConfig coordinatorConfig;
        try {
            coordinatorConfig = CoordinatorConfig.load(config);
        } catch (CoordinatorConfigException e) {
            System.err.println("shardgate: " + e.getMessage());
            return 2;
        }
        Logging.setLevel(coordinatorConfig.logLevel());
        Coordinator coordinator;
        try {
            coordinator = Coordinator.start(coordinatorConfig, Version.current(), config);
        } catch (RuntimeException | java.io.IOException e) {
            // etcd not answering, a port in use: one line naming the cause
            System.err.println("shardgate: coordinator did not start: " + e.getMessage());
            return 1;
        }
        coordinator.logLevelsTo(Logging::setLevel);
        Hangup.onSignal(() -> coordinator.reload("SIGHUP"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}
