package dev.shardgate.router;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.http.ClusterView;
import dev.shardgate.console.http.HttpEndpoints;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.metrics.ScrapeGauges;
import dev.shardgate.router.status.LiveStatus;
import dev.shardgate.router.status.RouterReadiness;

import java.io.IOException;

/**
 * The router's scrape-time gauges and, when http_port is set, the HTTP port serving them, the health
 * checks and the dashboard (whose data is the router console's SHOW answers).
 */
final class Observability implements AutoCloseable {
    private final ScrapeGauges gauges;
    private final HttpEndpoints http;

    private Observability(ScrapeGauges gauges, HttpEndpoints http) {
        this.gauges = gauges;
        this.http = http;
    }

    static Observability start(RouterContext context, LiveStatus status, ConsoleExecutor console) throws IOException {
        ScrapeGauges gauges = new ScrapeGauges(context.metrics(), () -> context.pools().stats(), status::clients,
                context.qdb());
        RouterConfig config = context.config();
        if (config.httpPort() == RouterConfig.HTTP_PORT_OFF) {
            return new Observability(gauges, null);
        }
        try {
            return new Observability(gauges, HttpEndpoints.start(config.host(), config.httpPort(),
                    context.metrics().registry(), new RouterReadiness(context, status), ClusterView.router(console)));
        } catch (IOException | RuntimeException e) {
            gauges.close();
            throw e;
        }
    }

    int httpPort() {
        return http == null ? -1 : http.port();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        gauges.close();
    }
}
