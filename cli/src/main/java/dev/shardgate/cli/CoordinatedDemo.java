package dev.shardgate.cli;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.auth.PasswordExchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code shardgate demo --with-coordinator}: the production shape on one machine — etcd, a
 * coordinator on it, two routers fed by the coordinator, and real PostgreSQL shards — until Ctrl-C.
 */
final class CoordinatedDemo {
    private final int routerPort;
    private final int consolePort;
    private final int coordinatorPort;
    private final int httpPort;
    private final int shardCount;

    /** @param httpPort the coordinator's HTTP port, the routers' the next ones; 0 for free ports */
    CoordinatedDemo(int routerPort, int consolePort, int coordinatorPort, int httpPort, int shardCount) {
        this.httpPort = httpPort;
        this.routerPort = routerPort;
        this.consolePort = consolePort;
        this.coordinatorPort = coordinatorPort;
        this.shardCount = shardCount;
    }

    int run() throws Exception {
        Path base = Files.createTempDirectory("shardgate-demo-");
        List<AutoCloseable> running = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            StringBuilder setup = new StringBuilder();
            for (int i = 1; i <= shardCount; i++) {
                System.out.println("starting PostgreSQL shard sh" + i + " ...");
                LocalPostgres shard = LocalPostgres.start(base, "sh" + i, AuthMethod.TRUST);
                running.add(shard);
                shard.createUser(DemoCommand.USER, null);
                shard.createDatabase(DemoCommand.DATABASE, DemoCommand.USER);
                shard.psql(DemoCommand.DATABASE, DemoCommand.SAMPLE_TABLE + ";\nALTER TABLE accounts OWNER TO "
                        + DemoCommand.USER + ";");
                setup.append("CREATE SHARD sh").append(i).append(" WITH HOSTS '").append(shard.host()).append(':')
                        .append(shard.port()).append("';\n");
            }
            System.out.println("starting etcd ...");
            LocalEtcd etcd = LocalEtcd.start();
            running.add(etcd);
            Coordinator coordinator = Coordinator.start(new CoordinatorConfig("localhost", coordinatorPort, 0,
                    etcd.endpoint(), "INFO", List.of(
                            new ConsoleRule("spqr-console", DemoCommand.USER, PasswordExchange.Method.TRUST, ""),
                            new ConsoleRule("shardgate_console", DemoCommand.USER, PasswordExchange.Method.TRUST, "")))
                    .withDataMove(new DataMoveConfig(DemoCommand.DATABASE, DemoCommand.USER, "", 500))
                    .withHttpPort(httpPort),
                    Version.current());
            running.add(coordinator);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!coordinator.isActive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            setup.append(DemoCommand.initSql(shardCount));
            List<RouterServer> routers = new ArrayList<>();
            DemoTls tls = DemoTls.create(base);
            for (int i = 0; i < 2; i++) {
                RouterServer router = RouterServer.start(RouterConfig.builder()
                        .host("localhost").routerPort(routerPort + i).adminConsolePort(consolePort + i).grpcApiPort(0)
                        .frontendTls(tls.settings())
                        .httpPort(httpPort == 0 ? 0 : httpPort + 1 + i)
                        .withCoordinator(true).coordinatorAddress("localhost:" + coordinator.grpcApiPort())
                        .frontendRule(FrontendRule.console(DemoCommand.USER, AuthRule.ok()))
                        .frontendRule(FrontendRule.of(DemoCommand.DATABASE, DemoCommand.USER, AuthRule.ok()))
                        .backendRule(BackendRule.of(DemoCommand.DATABASE, DemoCommand.USER, AuthRule.ok()))
                        .build());
                running.add(router);
                routers.add(router);
                setup.append("REGISTER ROUTER router").append(i + 1).append(" ADDRESS '[localhost]:")
                        .append(router.grpcApiPort()).append("';\n");
            }
            coordinator.execute(setup.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                closeAll(running);
                DemoCommand.deleteQuietly(base);
                stopped.countDown();
            }));
            System.out.println();
            System.out.println("Shardgate is ready: etcd " + etcd.endpoint() + ", a coordinator, 2 routers, "
                    + shardCount + " shards.");
            for (RouterServer router : routers) {
                tls.psqlLines(router.port(), DemoCommand.DATABASE, DemoCommand.USER)
                        .forEach(line -> System.out.println("  router:  " + line));
            }
            System.out.println("Coordinator console (CREATE KEY RANGE …, SHOW routers), changes reach both routers:");
            System.out.println("  psql \"host=localhost port=" + coordinator.consolePort() + " dbname=spqr-console user="
                    + DemoCommand.USER + " sslmode=disable\"");
            System.out.println("Dashboard (key ranges, moves, routers), metrics and readiness:");
            DemoCommand.httpLines("coordinator", coordinator.httpPort()).forEach(line -> System.out.println("  " + line));
            for (int i = 0; i < routers.size(); i++) {
                DemoCommand.httpLines("router" + (i + 1), routers.get(i).httpPort())
                        .forEach(line -> System.out.println("  " + line));
            }
            System.out.println("Press Ctrl-C to stop and remove everything.");
            System.out.flush();
        } catch (RuntimeException | IOException e) {
            closeAll(running);
            DemoCommand.deleteQuietly(base);
            System.err.println("shardgate demo: " + e.getMessage());
            return 1;
        }
        stopped.await();
        return 0;
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts.reversed()) {
            try {
                part.close();
            } catch (Exception e) {
                System.err.println("shardgate demo: stopping " + part + ": " + e.getMessage());
            }
        }
    }
}
