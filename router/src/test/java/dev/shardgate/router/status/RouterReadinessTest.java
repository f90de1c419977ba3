package dev.shardgate.router.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.router.RouterContext;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Why /readyz answers 503, in the words an operator reads. */
class RouterReadinessTest {

    private static RouterConfig.Builder rules() {
        return RouterConfig.builder().host("127.0.0.1").eventLoops(0)
                .frontendRule(FrontendRule.of("db", "app", AuthRule.ok()))
                .backendRule(new BackendRule("db", "app", 5, false, true, AuthRule.ok(), false));
    }

    @Test
    void readyWhileItsShardTakesConnectionsThenNotWhenNobodyListensThenShuttingDown() throws IOException {
        int port;
        try (ServerSocket shard = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = shard.getLocalPort();
            try (RouterContext context = RouterContext.create(rules()
                    .shard("sh1", ShardConfig.data("127.0.0.1:" + port)).build())) {
                LiveStatus status = new LiveStatus(context, new dev.shardgate.router.ConfigReloader(context, null));
                RouterReadiness readiness = new RouterReadiness(context, status);
                assertThat(readiness.notReadyBecause()).isNull();

                shard.close();
                assertThat(readiness.notReadyBecause())
                        .startsWith("shard \"sh1\" unreachable: no host accepts connections (127.0.0.1:" + port);

                status.closed();
                assertThat(readiness.notReadyBecause()).isEqualTo("router is shutting down");
            }
        }
    }

    @Test
    void underACoordinatorItIsNotReadyBeforeTheFirstMetadata() {
        try (RouterContext context = RouterContext.create(rules().withCoordinator(true).build())) {
            assertThat(new RouterReadiness(context, new LiveStatus(context, new dev.shardgate.router.ConfigReloader(context, null))).notReadyBecause())
                    .isEqualTo("no metadata from the coordinator yet");
        }
    }
}
