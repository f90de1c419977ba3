package dev.shardgate.it.coordinator;

import dev.shardgate.cli.ThrowawayCa;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.it.harness.LogLines;
import dev.shardgate.qdb.EtcdQdb;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.qdb.QdbException;
import dev.shardgate.qdb.SyncChannels;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.qdb.sync.CoordinatorMetadataGrpc;
import dev.shardgate.qdb.sync.FetchRequest;
import dev.shardgate.qdb.tls.EtcdTls;
import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.qdb.tls.TlsMode;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.auth.PasswordExchange;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.shardgate.it.coordinator.SyncedCluster.await;
import static dev.shardgate.it.coordinator.SyncedCluster.column;
import static dev.shardgate.it.coordinator.SyncedCluster.console;
import static dev.shardgate.it.coordinator.SyncedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A coordinator and its routers over mutual TLS, the coordinator's metadata in an etcd that
 * requires client certificates; all certificates made at test time by a throwaway CA. A router
 * that trusts another CA refuses the coordinator, and a router without a client certificate is
 * refused by it: each refusal is one log line naming the peer and the reason, and no metadata
 * reaches the refusing side.
 */
class CoordinatorTlsTest {
    private static final String DATABASE = "tlsdb";
    private static final List<String> METADATA = List.of(
            "CREATE SHARD sh1 WITH HOSTS 'localhost:1'",
            "CREATE SHARD sh2 WITH HOSTS 'localhost:2'",
            "CREATE DISTRIBUTION ds1 COLUMN TYPES integer",
            "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id",
            "CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1",
            "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");

    @TempDir
    Path directory;
    private ThrowawayCa ca;
    private ThrowawayCa otherCa;
    private LocalEtcd etcd;
    private Coordinator coordinator;
    private final List<RouterServer> routers = new ArrayList<>();
    private LogLines refusals;

    @BeforeEach
    void start() {
        refusals = LogLines.of("dev.shardgate.qdb.tls.PeerRefusals");
        ca = ThrowawayCa.authority(directory, "fleet");
        otherCa = ThrowawayCa.authority(directory, "other");
        ThrowawayCa.Issued etcdCert = ca.peer("etcd");
        etcd = LocalEtcd.startWithTls(new LocalEtcd.Certificates(etcdCert.cert(), etcdCert.key(), ca.caCert()));
        coordinator = startCoordinator();
    }

    @AfterEach
    void stop() {
        routers.forEach(RouterServer::close);
        if (coordinator != null) {
            coordinator.close();
        }
        if (etcd != null) {
            etcd.close();
        }
        refusals.close();
    }

    private Coordinator startCoordinator() {
        ThrowawayCa.Issued cert = ca.peer("coordinator");
        CoordinatorConfig config = new CoordinatorConfig(SyncedCluster.HOST, 0, 0, etcd.endpoint(), "INFO",
                List.of(new ConsoleRule(SyncedCluster.CONSOLE_DATABASE, SyncedCluster.USER, PasswordExchange.Method.TRUST, "")))
                .withGrpcTls(mutualTls(cert, ca.caCert()))
                .withQdbTls(new EtcdTls(true, ca.caCert(), cert.cert(), cert.key()));
        try {
            Coordinator started = Coordinator.start(config, "test");
            await("the coordinator becomes active", 10_000, started::isActive);
            return started;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static GrpcTls mutualTls(ThrowawayCa.Issued cert, Path trustedCa) {
        return new GrpcTls(new GrpcServerTls(TlsMode.MTLS, cert.cert(), cert.key(), trustedCa),
                new GrpcClientTls(TlsMode.MTLS, trustedCa, cert.cert(), cert.key(), null));
    }

    private RouterServer startRouter(GrpcTls tls) throws Exception {
        RouterServer router = RouterServer.start(RouterConfig.builder()
                .host(SyncedCluster.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .withCoordinator(true).coordinatorAddress(SyncedCluster.HOST + ":" + coordinator.grpcApiPort())
                .grpcTls(tls)
                .frontendRule(FrontendRule.of(DATABASE, SyncedCluster.USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(SyncedCluster.USER, AuthRule.ok()))
                .backendRule(new BackendRule(DATABASE, SyncedCluster.USER, 10, false, true, AuthRule.ok(), false))
                .build());
        routers.add(router);
        return router;
    }

    private static String keyRanges(RouterServer router) {
        try (Connection console = console(router.consolePort())) {
            return column(console, "SHOW key_ranges");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String routerStatus(Connection console) {
        try {
            return column(console, "SHOW routers", 3);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean refusalLogged(String... parts) {
        return refusals.lines().stream().anyMatch(line -> List.of(parts).stream().allMatch(line::contains));
    }

    @Test
    void metadataReachesTwoRoutersOverMutualTlsAndLivesInEtcdOverTls() throws Exception {
        RouterServer r1 = startRouter(mutualTls(ca.peer("r1"), ca.caCert()));
        RouterServer r2 = startRouter(mutualTls(ca.peer("r2"), ca.caCert()));
        try (Connection console = console(coordinator.consolePort())) {
            METADATA.forEach(command -> run(console, command));
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + r1.grpcApiPort() + "'");
            execute(console, "REGISTER ROUTER r2 ADDRESS '127.0.0.1:" + r2.grpcApiPort() + "'");
            await("both routers list the coordinator's key ranges", 10_000,
                    () -> keyRanges(r1).equals("kr1,kr2") && keyRanges(r2).equals("kr1,kr2"));

            execute(console, "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
            await("a new range reaches both routers", 5_000,
                    () -> keyRanges(r1).equals("kr1,kr2,kr3") && keyRanges(r2).equals("kr1,kr2,kr3"));
            long version = coordinator.qdb().version();
            await("SHOW routers says both are up", 5_000,
                    () -> routerStatus(console).equals("up, version " + version + ",up, version " + version));
        }
        assertThat(refusals.lines()).isEmpty();
        assertThat(plainTextFetch(coordinator.grpcApiPort())).as("a plain-text call to the coordinator's API")
                .isInstanceOf(StatusRuntimeException.class);

        // The metadata is in etcd: a new coordinator reads it back over TLS with its client certificate.
        coordinator.close();
        coordinator = startCoordinator();
        assertThat(coordinator.qdb().snapshot().keyRanges().keySet()).containsExactlyInAnyOrder("kr1", "kr2", "kr3");
        assertThat(coordinator.routers()).containsOnlyKeys("r1", "r2");
    }

    @Test
    void etcdRefusesAClientWithoutCertificate() {
        assertThatThrownBy(() -> EtcdQdb.open(List.of(etcd.endpoint()), "/shardgate", Duration.ofSeconds(2),
                new EtcdTls(true, ca.caCert(), null, null)).close())
                .isInstanceOf(QdbException.class)
                .hasMessageContaining("at etcd " + etcd.endpoint())
                .hasMessageContaining("over TLS");
    }

    @Test
    void routerTrustingAnotherCaRefusesTheCoordinator() throws Exception {
        RouterServer good = startRouter(mutualTls(ca.peer("good"), ca.caCert()));
        // Its own certificate is from the fleet's CA, so the coordinator would talk to it; but it
        // trusts only the other CA, which did not sign the coordinator's.
        RouterServer wary = startRouter(mutualTls(ca.peer("wary"), otherCa.caCert()));
        String coordinatorApi = "127.0.0.1:" + coordinator.grpcApiPort();
        await("the wary router logs that it refused the coordinator's certificate", 5_000,
                () -> refusalLogged("event=tls_peer_refused", "peer=" + coordinatorApi, "peer_role=server",
                        "subject=\"CN=coordinator\"", "not signed by a CA in root_ca_file '" + otherCa.caCert() + "'"));

        try (Connection console = console(coordinator.consolePort())) {
            METADATA.forEach(command -> run(console, command));
            execute(console, "REGISTER ROUTER good ADDRESS '127.0.0.1:" + good.grpcApiPort() + "'");
            execute(console, "REGISTER ROUTER wary ADDRESS '127.0.0.1:" + wary.grpcApiPort() + "'");
            await("the good router holds the metadata", 10_000, () -> keyRanges(good).equals("kr1,kr2"));
            await("SHOW routers says the wary router refused the coordinator's certificate", 5_000,
                    () -> routerStatus(console).contains("down (UNAUTHENTICATED: TLS client certificate refused")
                            && routerStatus(console).contains("certificate not signed by a CA in client_ca_file"));
        }
        assertThat(refusalLogged("event=tls_peer_refused", "peer=127.0.0.1:", "peer_role=client",
                "subject=\"CN=coordinator\"", "client_ca_file '" + otherCa.caCert() + "'"))
                .as("the wary router logs the coordinator's pushes it refused").isTrue();
        assertThat(keyRanges(wary)).as("no metadata reached the wary router").isEmpty();
    }

    @Test
    void coordinatorRefusesRouterWithoutClientCertificate() throws Exception {
        ThrowawayCa.Issued cert = ca.peer("anonymous");
        RouterServer anonymous = startRouter(new GrpcTls(
                new GrpcServerTls(TlsMode.MTLS, cert.cert(), cert.key(), ca.caCert()),
                new GrpcClientTls(TlsMode.TLS, ca.caCert(), null, null, null)));
        try (Connection console = console(coordinator.consolePort())) {
            METADATA.forEach(command -> run(console, command));
        }
        await("the coordinator logs the router it refused", 5_000,
                () -> refusalLogged("event=tls_peer_refused", "peer=127.0.0.1:", "peer_role=client",
                        "no client certificate presented"));
        // The router asks again every second; none of its fetches is answered with metadata.
        Thread.sleep(1500);
        assertThat(keyRanges(anonymous)).isEmpty();
    }

    @Test
    void serverNameIsWhatTheCoordinatorsCertificateMustName() throws Exception {
        try (Connection console = console(coordinator.consolePort())) {
            METADATA.forEach(command -> run(console, command));
        }
        ThrowawayCa.Issued cert = ca.peer("named");
        GrpcServerTls server = new GrpcServerTls(TlsMode.MTLS, cert.cert(), cert.key(), ca.caCert());
        // The coordinator is called at 127.0.0.1; its certificate names 127.0.0.1 and localhost.
        RouterServer named = startRouter(new GrpcTls(server,
                new GrpcClientTls(TlsMode.MTLS, ca.caCert(), cert.cert(), cert.key(), "localhost")));
        RouterServer misnamed = startRouter(new GrpcTls(server,
                new GrpcClientTls(TlsMode.MTLS, ca.caCert(), cert.cert(), cert.key(), "coordinator.example")));
        await("the router expecting a name the certificate carries fetches the metadata", 5_000,
                () -> keyRanges(named).equals("kr1,kr2"));
        await("the other refuses the coordinator's certificate", 5_000,
                () -> refusalLogged("event=tls_peer_refused", "peer=127.0.0.1:" + coordinator.grpcApiPort(),
                        "peer_role=server", "subject=\"CN=coordinator\"",
                        "certificate does not name coordinator.example (server_name)"));
        assertThat(keyRanges(misnamed)).isEmpty();
    }

    /** What a router without TLS gets from the API: the exception, or null when it answered. */
    private static Throwable plainTextFetch(int port) {
        ManagedChannel channel = SyncChannels.PLAIN.open(new SyncEndpoint(SyncedCluster.HOST, port));
        try {
            CoordinatorMetadataGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
                    .fetch(FetchRequest.newBuilder().setRouterId("plain").build());
            return null;
        } catch (RuntimeException e) {
            return e;
        } finally {
            channel.shutdownNow();
        }
    }

    private static void run(Connection console, String command) {
        try {
            execute(console, command);
        } catch (SQLException e) {
            throw new IllegalStateException(command, e);
        }
    }
}
