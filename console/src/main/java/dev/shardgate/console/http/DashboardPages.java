package dev.shardgate.console.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard on the HTTP port: a static page ({@code /dashboard/}: HTML, plain JavaScript and CSS
 * from this jar's resources, no build step) that polls {@code /api/cluster} ({@link ClusterView}).
 */
final class DashboardPages {
    private static final Logger log = LoggerFactory.getLogger(DashboardPages.class);
    private static final String RESOURCES = "/dev/shardgate/console/http/dashboard/";
    /** The files the page is made of, with their content types; nothing else is served. */
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8");

    private DashboardPages() {
    }

    static void register(HttpServer server, ClusterView view) {
        server.createContext("/dashboard", DashboardPages::page);
        server.createContext("/api/cluster", exchange -> {
            byte[] body;
            try {
                body = view.json();
            } catch (RuntimeException e) {
                log.warn("event=dashboard_api_failed error=\"{}\"", e.toString());
                send(exchange, 500, "text/plain; charset=utf-8", ("cluster view failed: " + e + "\n").getBytes());
                return;
            }
            send(exchange, 200, "application/json", body);
        });
    }

    private static void page(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/dashboard")) {
            exchange.getResponseHeaders().set("Location", "/dashboard/");
            send(exchange, 302, "text/plain; charset=utf-8", new byte[0]);
            return;
        }
        String name = path.substring("/dashboard/".length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        String type = FILES.get(name);
        if (type == null) {
            send(exchange, 404, "text/plain; charset=utf-8", ("not found: " + path + "\n").getBytes());
            return;
        }
        send(exchange, 200, type, resource(name));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardPages.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", type);
            // Polled data and a page that changes with the jar: never from a stale cache.
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(exchange.getRequestMethod()) || body.length == 0) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
