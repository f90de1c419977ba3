package dev.shardgate.coordinator;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.RegisterRouter;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.ast.UnregisterAllRouters;
import dev.shardgate.console.ast.UnregisterRouter;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RowFilter;
import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The routers registered with the coordinator, kept in the QDB's key-value area as
 * {@code routers/<id>} = address (the router's grpc_api_port), so they outlive a coordinator
 * restart, and fed by the {@link RouterFleet}. Answers the console statements about routers, which
 * a router's own console refuses.
 */
final class RouterRegistry implements ConsoleExecutor.OwnStatements {
    static final String KEY_PREFIX = "routers/";
    static final String SHOW_TARGET = "routers";
    static final List<String> SHOW_COLUMNS = List.of("router_id", "address", "status");

    private final Qdb qdb;
    private final RouterFleet fleet;

    RouterRegistry(Qdb qdb, RouterFleet fleet) {
        this.qdb = Objects.requireNonNull(qdb);
        this.fleet = Objects.requireNonNull(fleet);
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof RegisterRouter
                || statement instanceof UnregisterRouter
                || statement instanceof UnregisterAllRouters
                || statement instanceof Show show && show.what().equals(SHOW_TARGET);
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return switch (statement) {
            case RegisterRouter register -> register(register.id(), register.address());
            case UnregisterRouter unregister -> unregister(unregister.id());
            case UnregisterAllRouters _ -> unregisterAll();
            case Show show -> show(show);
            default -> throw new IllegalArgumentException("not a router statement: " + statement);
        };
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return switch (statement) {
            case Show _ -> Optional.of(SHOW_COLUMNS);
            case RegisterRouter _ -> Optional.of(List.of("register router"));
            case UnregisterRouter _, UnregisterAllRouters _ -> Optional.of(List.of("unregister router"));
            default -> Optional.empty();
        };
    }

    /** Registered routers by id, sorted, with their addresses as registered. */
    Map<String, String> routers() {
        var routers = new java.util.TreeMap<String, String>();
        qdb.scan(KEY_PREFIX).forEach((key, value) ->
                routers.put(key.substring(KEY_PREFIX.length()), new String(value, StandardCharsets.UTF_8)));
        return routers;
    }

    private ConsoleResult register(String id, String address) {
        if (id.isEmpty() || id.contains("/")) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid router id \"" + id + "\"");
        }
        if (address.isBlank()) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "router \"" + id + "\" needs an address");
        }
        try {
            SyncEndpoint.parse(address);
        } catch (MetadataException e) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "router \"" + id + "\": " + e.getMessage());
        }
        // compare-and-set, so two consoles registering the same id cannot both succeed
        if (!qdb.compareAndSet(KEY_PREFIX + id, null, address.getBytes(StandardCharsets.UTF_8))) {
            throw new PgException(SqlState.DUPLICATE_OBJECT, "router \"" + id + "\" already exists");
        }
        fleet.add(id, address);
        return table("register router", "router -> " + id + "-" + address);
    }

    private ConsoleResult unregister(String id) {
        if (qdb.get(KEY_PREFIX + id).isEmpty()) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "router \"" + id + "\" does not exist");
        }
        qdb.delete(KEY_PREFIX + id);
        fleet.remove(id);
        return table("unregister router", "router id -> " + id);
    }

    private ConsoleResult unregisterAll() {
        List<String> rows = new java.util.ArrayList<>();
        for (String key : qdb.scan(KEY_PREFIX).keySet()) {
            qdb.delete(key);
            String id = key.substring(KEY_PREFIX.length());
            fleet.remove(id);
            rows.add("router id -> " + id);
        }
        return new ConsoleResult.Rows(List.of("unregister router"), rows.stream().map(List::of).toList());
    }

    /** SPQR's answer: a one-column table (register router / router -> r1-host:port). */
    private static ConsoleResult table(String header, String row) {
        return new ConsoleResult.Rows(List.of(header), List.of(List.of(row)));
    }

    private ConsoleResult show(Show show) {
        var filter = show.where().map(where -> RowFilter.of(where, SHOW_COLUMNS, "SHOW routers"))
                .orElse(row -> true);
        List<List<String>> rows = routers().entrySet().stream()
                .map(router -> List.of(router.getKey(), router.getValue(), fleet.isActive()
                        ? fleet.status(router.getKey()).orElse("unknown")
                        : "unknown (this coordinator is standing by)"))
                .filter(filter)
                .toList();
        return new ConsoleResult.Rows(SHOW_COLUMNS, rows);
    }
}
