package dev.shardgate.console.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port ({@code http_port}): {@code /metrics} in the Prometheus text (or protobuf, as the
 * scraper asks) format written by the Prometheus client's own handler, {@code /healthz} (200 while the
 * process serves HTTP at all) and {@code /readyz} (200, or 503 with one line saying why not).
 * With a {@link ClusterView} it also serves the dashboard ({@link DashboardPages}).
 * Requests run on virtual threads: a slow scraper holds no platform thread.
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);
    /** Port value that leaves the HTTP port closed. */
    public static final int OFF = -1;

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoints(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} (0 picks a free port) and serves the three paths.
     *
     * @throws BindException naming the address when the port is taken
     */
    public static HttpEndpoints start(String host, int port, PrometheusRegistry registry, Readiness readiness)
            throws IOException {
        return start(host, port, registry, readiness, null);
    }

    /**
     * As {@link #start(String, int, PrometheusRegistry, Readiness)}, plus the dashboard at
     * {@code /dashboard/} and its data at {@code /api/cluster} when {@code cluster} is not null.
     */
    public static HttpEndpoints start(String host, int port, PrometheusRegistry registry, Readiness readiness,
                                      ClusterView cluster) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        } catch (BindException e) {
            throw new BindException("cannot listen for HTTP (http_port) on " + host + ":" + port + ": " + e.getMessage());
        }
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/healthz", exchange -> answer(exchange, 200, "ok"));
        server.createContext("/readyz", exchange -> {
            String reason;
            try {
                reason = readiness.notReadyBecause();
            } catch (RuntimeException e) {
                reason = "readiness check failed: " + e;
            }
            answer(exchange, reason == null ? 200 : 503, reason == null ? "ready" : reason);
        });
        String paths = "/metrics, /healthz, /readyz" + (cluster == null ? "" : ", /dashboard/, /api/cluster");
        if (cluster != null) {
            DashboardPages.register(server, cluster);
        }
        server.createContext("/", exchange -> answer(exchange, 404, "not found: try " + paths));
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
        server.setExecutor(executor);
        server.start();
        HttpEndpoints endpoints = new HttpEndpoints(server, executor);
        log.info("event=http_started host={} port={} paths={}", host, endpoints.port(), paths.replace(", ", ","));
        return endpoints;
    }

    /** The bound port (the chosen one when started with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String line) throws IOException {
        try (exchange) {
            byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log.info("event=http_stopped port={}", server.getAddress().getPort());
    }
}
