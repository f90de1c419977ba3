package dev.shardgate.cli;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code shardgate demo}: two real PostgreSQL shards in a temporary directory and a router in front of
 * them, until Ctrl-C, which removes everything again.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start 2 PostgreSQL shards and a router, ready for psql.")
final class DemoCommand implements Callable<Integer> {
    static final String DATABASE = "demo";
    static final String USER = "demo";

    @Option(names = "--port", defaultValue = "6432", description = "router port (default ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--shards", defaultValue = "2", description = "number of shards (default ${DEFAULT-VALUE})")
    private int shardCount;

    @Option(names = "--console-port", defaultValue = "7432", description = "admin console port (default ${DEFAULT-VALUE})")
    private int consolePort;

    @Option(names = "--http-port", defaultValue = "0", description = "HTTP port of /metrics, /readyz and the dashboard;"
            + " with --with-coordinator the coordinator's, the routers take the next ones (default ${DEFAULT-VALUE}:"
            + " free ports, printed)")
    private int httpPort;

    @Option(names = "--with-coordinator", description = "also start etcd, a coordinator and a second router: "
            + "metadata is changed on the coordinator's console and pushed to both routers")
    private boolean withCoordinator;

    @Option(names = "--with-replicas", description = "give every shard a streaming standby (pg_basebackup -R): "
            + "the router checks both hosts' roles, reads may go to the standby, FAILOVER SHARD promotes it")
    private boolean withReplicas;

    @Option(names = "--coordinator-port", defaultValue = "7002",
            description = "coordinator console port with --with-coordinator (default ${DEFAULT-VALUE})")
    private int coordinatorPort;

    /** The sample table, created on every shard: accounts are distributed by id. */
    static final String SAMPLE_TABLE = "CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, owner text NOT NULL, "
            + "balance numeric NOT NULL DEFAULT 0)";

    /**
     * The metadata the router boots with: keys below 1000 on sh1, the rest on sh2 (and so on). The
     * key ranges come from the highest bound down, the order SPQR's console accepts one by one.
     */
    static String initSql(int shards) {
        StringBuilder sql = new StringBuilder("""
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                ALTER DISTRIBUTION ds1 ATTACH RELATION accounts DISTRIBUTION KEY id;
                """);
        for (int i = shards; i >= 1; i--) {
            sql.append("CREATE KEY RANGE krid").append(i).append(" FROM ").append((i - 1) * 1000)
                    .append(" ROUTE TO sh").append(i).append(" FOR DISTRIBUTION ds1;\n");
        }
        return sql.toString();
    }

    /** The URLs of a process's HTTP port, for the ready message. */
    static List<String> httpLines(String who, int httpPort) {
        String base = "http://localhost:" + httpPort;
        return List.of(who + " dashboard: " + base + "/dashboard/",
                who + " metrics:   " + base + "/metrics   readiness: " + base + "/readyz");
    }

    @Override
    public Integer call() throws Exception {
        if (withCoordinator && withReplicas) {
            System.err.println("shardgate demo: --with-replicas goes with the demo of one router, not --with-coordinator");
            return 2;
        }
        return withCoordinator ? new CoordinatedDemo(port, consolePort, coordinatorPort, httpPort, shardCount).run() : runAlone();
    }

    private int runAlone() throws Exception {
        Path base = Files.createTempDirectory("shardgate-demo-");
        List<LocalPostgres> shards = new ArrayList<>();
        List<LocalPostgres> standbys = new ArrayList<>();
        RouterServer router = null;
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            DemoTls tls = DemoTls.create(base);
            RouterConfig.Builder config = RouterConfig.builder()
                    .host("localhost")
                    .frontendTls(tls.settings())
                    .routerPort(port)
                    .adminConsolePort(consolePort)
                    .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                    .grpcApiPort(0)
                    .httpPort(httpPort)
                    .frontendRule(FrontendRule.of(DATABASE, USER, AuthRule.ok()))
                    .backendRule(BackendRule.of(DATABASE, USER, AuthRule.ok()));
            for (int i = 1; i <= shardCount; i++) {
                System.out.println("starting PostgreSQL shard sh" + i + " ...");
                LocalPostgres shard = LocalPostgres.start(base, "sh" + i, AuthMethod.TRUST);
                shards.add(shard);
                shard.createUser(USER, null);
                shard.createDatabase(DATABASE, USER);
                shard.psql(DATABASE, SAMPLE_TABLE + ";\nALTER TABLE accounts OWNER TO " + USER + ";");
                if (withReplicas) {
                    System.out.println("starting a streaming standby of sh" + i + " ...");
                    LocalPostgres standby = LocalPostgres.startStandby(base, "sh" + i + "-standby", shard);
                    standbys.add(standby);
                    config.shard("sh" + i, ShardConfig.data(shard.host() + ":" + shard.port(),
                            standby.host() + ":" + standby.port()));
                } else {
                    config.shard("sh" + i, ShardConfig.data(shard.host() + ":" + shard.port()));
                }
            }
            Path init = base.resolve("init.sql");
            Files.writeString(init, initSql(shardCount));
            config.initSqlFile(init);
            Files.writeString(base.resolve("router.yaml"), config.build().toYaml());
            router = RouterServer.start(config.build());
            RouterServer running = router;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                running.close();
                standbys.forEach(LocalPostgres::close);
                shards.forEach(LocalPostgres::close);
                deleteQuietly(base);
                stopped.countDown();
            }));
            System.out.println();
            for (int i = 0; i < shards.size(); i++) {
                System.out.println("shard sh" + (i + 1) + (withReplicas ? " primary" : "") + ": psql \"host="
                        + shards.get(i).host() + " port=" + shards.get(i).port() + " dbname=" + DATABASE + " user=" + USER + "\"");
                if (withReplicas) {
                    LocalPostgres standby = standbys.get(i);
                    System.out.println("shard sh" + (i + 1) + " standby: psql \"host=" + standby.host() + " port="
                            + standby.port() + " dbname=" + DATABASE + " user=" + USER + "\"   (data: " + standby.dataDir() + ")");
                }
            }
            System.out.println("router config: " + base.resolve("router.yaml"));
            System.out.println();
            System.out.println("Shardgate is ready. Connect with:");
            tls.psqlLines(router.port(), DATABASE, USER).forEach(line -> System.out.println("  " + line));
            System.out.println("Admin console (SHOW key_ranges, CREATE KEY RANGE …):");
            tls.psqlLines(router.consolePort(), "spqr-console", USER).forEach(line -> System.out.println("  " + line));
            System.out.println("Dashboard, metrics and readiness:");
            httpLines("router", router.httpPort()).forEach(line -> System.out.println("  " + line));
            System.out.println("Try: INSERT INTO accounts (id, owner) VALUES (1, 'ann'), (2, 'bob');  -- lands on sh1");
            System.out.println("     INSERT INTO accounts (id, owner) VALUES (1500, 'cid');           -- lands on sh2");
            System.out.println("     EXPLAIN ROUTE SELECT * FROM accounts WHERE id = 1500;");
            if (withReplicas) {
                System.out.println("Replicas: on the console, SHOW hosts lists each host's role, state and lag.");
                System.out.println("     SET __spqr__target_session_attrs = 'prefer-standby';  -- this session's reads go to standbys");
                System.out.println("     Failover: stop sh1's primary (pg_ctl stop -m immediate -D " + shards.getFirst().dataDir()
                        + "), then on the console:");
                System.out.println("     FAILOVER SHARD sh1;   -- promotes the standby; SHOW hosts shows it primary, writes go there");
            }
            System.out.println("Press Ctrl-C to stop and remove everything.");
            System.out.flush();
        } catch (RuntimeException | IOException e) {
            if (router != null) {
                router.close();
            }
            standbys.forEach(LocalPostgres::close);
            shards.forEach(LocalPostgres::close);
            deleteQuietly(base);
            System.err.println("shardgate demo: " + e.getMessage());
            return 1;
        }
        stopped.await();
        return 0;
    }

    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // best effort: a temp dir left behind is harmless
        }
    }
}
