package dev.shardgate.coordinator.replica;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RowFilter;
import dev.shardgate.console.replica.HostProbe;
import dev.shardgate.console.replica.HostQueries;
import dev.shardgate.console.replica.HostState;
import dev.shardgate.console.replica.Promotion;
import dev.shardgate.console.replica.ReplicaStatements;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's replica statements: FAILOVER and SWITCHOVER SHARD (only while this coordinator
 * leads, recorded in the QDB), SHOW hosts from one check round, and SHOW promotions, the recorded
 * promotions a coordinator left unfinished.
 */
public final class CoordinatorReplicas implements ConsoleExecutor.OwnStatements {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorReplicas.class);
    public static final String SHOW_TARGET = "promotions";
    static final List<String> PROMOTION_COLUMNS = List.of("shard_id", "kind", "host", "lsn", "former_primary", "started");

    private final Qdb qdb;
    private final HostQueries queries;
    private final PromotionStore promotions;
    private final ReplicaStatements statements;

    /** @param hold holds a switching shard's transactions at every router */
    public CoordinatorReplicas(Qdb qdb, HostQueries queries, dev.shardgate.console.replica.TrafficHold hold) {
        this.qdb = qdb;
        this.queries = queries;
        this.promotions = new PromotionStore(qdb);
        this.statements = new ReplicaStatements(qdb, queries, promotions, true, hold);
    }

    @Override
    public boolean handles(ConsoleStatement statement) {
        return statements.handles(statement) || isShowPromotions(statement);
    }

    @Override
    public ConsoleResult run(ConsoleStatement statement) {
        if (statement instanceof Show show && isShowPromotions(show)) {
            return showPromotions(show);
        }
        if (!(statement instanceof Show)) {
            try {
                qdb.checkWritable(); // only the leading coordinator promotes: two could pick different standbys
            } catch (MetadataException e) {
                throw new PgException(SqlState.READ_ONLY_SQL_TRANSACTION, e.getMessage());
            }
        }
        return statements.run(statement);
    }

    @Override
    public Optional<List<String>> describe(ConsoleStatement statement) {
        return isShowPromotions(statement) ? Optional.of(PROMOTION_COLUMNS) : statements.describe(statement);
    }

    /**
     * At the start of leadership: a promotion recorded by a coordinator that stopped half-way is
     * finished if its standby now answers as a primary (the record is cleared), and reported
     * otherwise — it stays in SHOW promotions until a FAILOVER or SWITCHOVER of the shard replaces it.
     */
    public void resume() {
        HostProbe probe = new HostProbe(queries);
        for (Promotion p : promotions.all()) {
            HostState state = probe.check(p.shard(), p.host());
            if (state.isPrimary()) {
                promotions.finished(p);
                log.info("event=promotion_found_finished kind={} shard={} host={} former_primary=\"{}\"",
                        p.kind(), p.shard(), p.host(), p.formerPrimary());
            } else {
                log.warn("event=promotion_unfinished kind={} shard={} host={} role={} started={} former_primary=\"{}\""
                                + " error=\"{}\"", p.kind(), p.shard(), p.host(), state.role().consoleName(), p.started(),
                        p.formerPrimary(), state.errorMessage().orElse(""));
            }
        }
    }

    private static boolean isShowPromotions(ConsoleStatement statement) {
        return statement instanceof Show show && show.what().equals(SHOW_TARGET);
    }

    private ConsoleResult showPromotions(Show show) {
        Predicate<List<String>> filter = show.where()
                .map(where -> RowFilter.of(where, PROMOTION_COLUMNS, "SHOW promotions"))
                .orElse(row -> true);
        List<List<String>> rows = promotions.all().stream()
                .map(p -> List.of(p.shard(), p.kind(), p.host(), p.lsn().toString(), p.formerPrimary(), p.started().toString()))
                .filter(filter)
                .toList();
        return new ConsoleResult.Rows(PROMOTION_COLUMNS, rows);
    }
}
