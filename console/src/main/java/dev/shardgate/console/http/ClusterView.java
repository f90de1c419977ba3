package dev.shardgate.console.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dashboard's {@code /api/cluster}: the answers of the console's own SHOW statements, as JSON.
 * The dashboard needs no internals of its own; what it shows is what an operator would read with
 * psql on the same console. A SHOW failing (a host check that failed) fills that section's error
 * and leaves the others; a SHOW this console does not have is listed as unavailable.
 *
 * <pre>{"role":"coordinator","generated_at_ms":…,
 *  "sections":{"key_ranges":[{"key_range_id":"kr1","shard_id":"sh1",…},…],…},
 *  "errors":{"hosts":"…"},"unavailable":{"routers":"…"}}</pre>
 *
 * JSON is written with Jackson's streaming generator (jackson-core, already on the classpath).
 * Answers are kept for {@link #FRESH_MILLIS}, so several open dashboards do not multiply the
 * console's work (SHOW hosts connects to every host).
 */
public final class ClusterView {
    /** How long one answer is served to every poller. */
    static final long FRESH_MILLIS = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    /** What the coordinator's console answers. */
    public static final List<String> COORDINATOR_SHOWS = List.of("distributions", "key_ranges", "shards", "hosts",
            "routers", "task_group", "version");
    /** What a router's console answers: no routers or task groups, but its pools and statistics. */
    public static final List<String> ROUTER_SHOWS = List.of("distributions", "key_ranges", "shards", "hosts",
            "pools", "stats", "status", "version");

    private final String role;
    private final List<String> shows;
    private final ConsoleExecutor executor;
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] last;
    private long lastAtMillis;

    /**
     * @param role  {@code coordinator} or {@code router}, shown on the page
     * @param shows the SHOW targets to run, each a section of the answer
     */
    public ClusterView(String role, List<String> shows, ConsoleExecutor executor) {
        this.role = Objects.requireNonNull(role);
        this.shows = List.copyOf(shows);
        this.executor = Objects.requireNonNull(executor);
    }

    public static ClusterView coordinator(ConsoleExecutor executor) {
        return new ClusterView("coordinator", COORDINATOR_SHOWS, executor);
    }

    public static ClusterView router(ConsoleExecutor executor) {
        return new ClusterView("router", ROUTER_SHOWS, executor);
    }

    /** The JSON document, at most {@link #FRESH_MILLIS} old. */
    public byte[] json() {
        lock.lock();
        try {
            long now = System.currentTimeMillis();
            if (last == null || now - lastAtMillis >= FRESH_MILLIS) {
                last = render(now);
                lastAtMillis = now;
            }
            return last;
        } finally {
            lock.unlock();
        }
    }

    private byte[] render(long now) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("role", role);
            json.writeNumberField("generated_at_ms", now);
            json.writeObjectFieldStart("sections");
            Map<String, String> failed = new LinkedHashMap<>();
            Map<String, String> unavailable = new LinkedHashMap<>();
            for (String show : shows) {
                try {
                    ConsoleResult result = executor.execute("SHOW " + show).getFirst();
                    if (result instanceof ConsoleResult.Rows rows) {
                        json.writeFieldName(show);
                        writeRows(json, rows);
                    }
                } catch (PgException e) {
                    if (notOnThisConsole(e)) {
                        unavailable.put(show, e.getMessage());
                    } else {
                        failed.put(show, e.sqlState().code() + ": " + e.getMessage());
                    }
                } catch (RuntimeException e) {
                    failed.put(show, e.toString());
                }
            }
            json.writeEndObject();
            writeMessages(json, "errors", failed);
            writeMessages(json, "unavailable", unavailable);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A SHOW this console does not answer (a router's SHOW routers; SHOW hosts on a router before its
     * pool layer checks hosts): the page leaves that part out instead of reporting a failure.
     */
    private static boolean notOnThisConsole(PgException e) {
        return e.sqlState() == SqlState.FEATURE_NOT_SUPPORTED
                || e.sqlState() == SqlState.UNDEFINED_OBJECT && e.getMessage().startsWith("unknown SHOW target");
    }

    private static void writeMessages(JsonGenerator json, String field, Map<String, String> messages) throws IOException {
        json.writeObjectFieldStart(field);
        for (var message : messages.entrySet()) {
            json.writeStringField(message.getKey(), message.getValue());
        }
        json.writeEndObject();
    }

    /** Rows as objects keyed by column name; SQL NULL as JSON null. */
    private static void writeRows(JsonGenerator json, ConsoleResult.Rows rows) throws IOException {
        json.writeStartArray();
        for (List<String> row : rows.rows()) {
            json.writeStartObject();
            for (int i = 0; i < rows.columns().size(); i++) {
                String value = row.get(i);
                if (value == null) {
                    json.writeNullField(rows.columns().get(i));
                } else {
                    json.writeStringField(rows.columns().get(i), value);
                }
            }
            json.writeEndObject();
        }
        json.writeEndArray();
    }
}
