package dev.shardgate.console.replica;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.FailoverShard;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.ast.SwitchoverShard;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RowFilter;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.Shard;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * FAILOVER SHARD and SWITCHOVER SHARD, and on a console without pools of its own (the coordinator)
 * SHOW hosts from one check round. They take effect when they run, outside the query's metadata
 * batch: a promotion cannot be rolled back.
 */
public final class ReplicaStatements implements ConsoleExecutor.OwnStatements {
    private final Qdb qdb;
    private final HostProbe probe;
    private final ShardFailover failover;
    private final ShardSwitchover switchover;
    private final boolean showsHosts;

    /**
     * @param showsHosts whether this console answers SHOW hosts itself (the coordinator) or leaves
     *                   it to the router's pool layer
     */
    public ReplicaStatements(Qdb qdb, HostQueries queries, PromotionJournal journal, boolean showsHosts) {
        this(qdb, queries, journal, showsHosts, TrafficHold.NONE);
    }

    /** @param hold holds the shard's new transactions at the routers during a switchover */
    public ReplicaStatements(Qdb qdb, HostQueries queries, PromotionJournal journal, boolean showsHosts, TrafficHold hold) {
        this.qdb = qdb;
        this.probe = new HostProbe(queries);
        this.failover = new ShardFailover(probe, journal, Clock.systemUTC());
        this.switchover = new ShardSwitchover(probe, journal, Clock.systemUTC(), hold);
        this.showsHosts = showsHosts;
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statement instanceof FailoverShard || statement instanceof SwitchoverShard
                || showsHosts && statement instanceof Show show && show.what().equals("hosts");
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        return switch (statement) {
            case FailoverShard s -> failover.run(shard(s.id()), s.target(), s.force());
            case SwitchoverShard s -> switchover.run(shard(s.id()), s.target(), former -> dropHost(s.id(), former));
            case Show s -> showHosts(s);
            default -> throw new IllegalArgumentException("not a replica statement: " + statement);
        };
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return Optional.of(statement instanceof Show ? HostRows.COLUMNS : Promotion.ANSWER_COLUMNS);
    }

    /** A router fed by a coordinator refuses, naming the coordinator's console: the answer says so. */
    private void dropHost(String shard, String host) {
        try {
            qdb.checkWritable();
            qdb.apply(new MetadataChange.DropShardHosts(shard, List.of(host)));
        } catch (MetadataException e) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, e.getMessage());
        }
    }

    private Shard shard(String id) {
        return qdb.snapshot().shard(id).orElseThrow(() ->
                new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + id + "\" does not exist"));
    }

    /** Every shard's hosts checked at once: the answer takes one check timeout at most. */
    private ConsoleResult showHosts(Show show) {
        Predicate<List<String>> filter = show.where()
                .map(where -> RowFilter.of(where, HostRows.COLUMNS, "SHOW hosts"))
                .orElse(row -> true);
        List<List<String>> rows = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<HostState>>> checks = new ArrayList<>();
            for (Shard shard : qdb.snapshot().shards().values()) {
                checks.add(threads.submit(() -> probe.check(shard)));
            }
            for (Future<List<HostState>> check : checks) {
                HostRows.rows(check.get()).stream().filter(filter).forEach(rows::add);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "SHOW hosts failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException(SqlState.QUERY_CANCELED, "SHOW hosts interrupted");
        }
        return new ConsoleResult.Rows(HostRows.COLUMNS, rows);
    }
}
