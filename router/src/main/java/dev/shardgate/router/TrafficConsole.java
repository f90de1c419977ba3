package dev.shardgate.router;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.KillClient;
import dev.shardgate.console.ast.PauseTraffic;
import dev.shardgate.console.ast.ResumeTraffic;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.router.pool.Traffic;
import dev.shardgate.router.session.ClientSession;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router console's PAUSE, RESUME and KILL CLIENT. PAUSE answers once the shard's transactions
 * in flight have ended (or pause_timeout passed: the answer counts those left); the pause holds
 * until RESUME.
 */
final class TrafficConsole implements ConsoleExecutor.OwnStatements {
    private static final Logger log = LoggerFactory.getLogger(TrafficConsole.class);
    static final List<String> PAUSE_COLUMNS = List.of("shard", "in_flight");

    private final RouterContext context;
    private final Traffic traffic;

    TrafficConsole(RouterContext context, Traffic traffic) {
        this.context = context;
        this.traffic = traffic;
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof PauseTraffic || statement instanceof ResumeTraffic || statement instanceof KillClient;
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return switch (statement) {
            case PauseTraffic p -> {
                p.shard().ifPresent(this::requireShard);
                int inFlight = traffic.pause(p.shard(), "PAUSE", Optional.empty(), null);
                yield new ConsoleResult.Rows(PAUSE_COLUMNS, List.of(List.of(p.shard().orElse("*"), Integer.toString(inFlight))));
            }
            case ResumeTraffic r -> {
                traffic.resume(r.shard(), Duration.ZERO);
                yield new ConsoleResult.Done("RESUME");
            }
            case KillClient k -> kill(k.id());
            default -> throw new IllegalArgumentException("not a traffic statement: " + statement);
        };
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return statement instanceof PauseTraffic ? Optional.of(PAUSE_COLUMNS) : Optional.empty();
    }

    private void requireShard(String shard) {
        if (context.qdb().snapshot().shard(shard).isEmpty() && !context.config().shards().containsKey(shard)) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + shard + "\" does not exist");
        }
    }

    /** Ends a client's connection with 57P01, its running statement cancelled first; its transaction rolls back. */
    private ConsoleResult kill(String id) {
        for (ClientSession session : context.sessions()) {
            if (session.info().clientId().equals(id)) {
                log.info("event=client_killed client={}", id);
                session.kill();
                return new ConsoleResult.Done("KILL CLIENT");
            }
        }
        throw new PgException(SqlState.UNDEFINED_OBJECT, "client " + id + " does not exist")
                .withHint("SHOW clients lists the ids.");
    }
}
