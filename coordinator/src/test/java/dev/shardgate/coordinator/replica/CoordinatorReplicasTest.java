package dev.shardgate.coordinator.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.replica.TrafficHold;
import dev.shardgate.console.ast.FailoverShard;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.replica.HostQueries;
import dev.shardgate.console.replica.Lsn;
import dev.shardgate.console.replica.Promotion;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.Shard;
import dev.shardgate.qdb.ForwardingQdb;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Promotions are in the QDB while they run, and one a stopped coordinator left is finished or reported. */
class CoordinatorReplicasTest {
    private final MemoryQdb qdb = new MemoryQdb();
    /** host → in recovery; a host missing is unreachable. */
    private final Map<String, Boolean> inRecovery = new HashMap<>();
    private final List<String> sent = new ArrayList<>();
    private final List<List<Promotion>> recordedAtPromotion = new ArrayList<>();

    private final HostQueries hosts = (shard, host, sql, timeout) -> {
        Boolean standby = inRecovery.get(host);
        if (standby == null) {
            throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, "cannot connect to " + host);
        }
        sent.add(host + ": " + sql);
        if (sql.startsWith("SELECT pg_promote(")) {
            recordedAtPromotion.add(new PromotionStore(qdb).all());
            inRecovery.put(host, false);
            return List.of(List.of("t"));
        }
        return List.of(java.util.Arrays.asList(standby ? "t" : "f", "0/3000000", standby ? "0.5" : null));
    };

    CoordinatorReplicasTest() {
        qdb.apply(new MetadataChange.CreateShard(new Shard("sh1", List.of("p:5432", "s1:5432"))));
    }

    @Test
    void aFailoverIsRecordedBeforeThePromotionAndClearedAfter() {
        inRecovery.put("s1:5432", true);

        ConsoleResult.Rows answer = (ConsoleResult.Rows) new CoordinatorReplicas(qdb, hosts, TrafficHold.NONE)
                .run(new FailoverShard("sh1", Optional.empty(), false));

        assertThat(answer.rows().getFirst().get(1)).isEqualTo("s1:5432");
        assertThat(recordedAtPromotion).hasSize(1);
        assertThat(recordedAtPromotion.getFirst()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo("failover");
            assertThat(p.host()).isEqualTo("s1:5432");
            assertThat(p.formerPrimary()).isEqualTo("p:5432");
        });
        assertThat(new PromotionStore(qdb).all()).isEmpty();
    }

    @Test
    void aPromotionLeftBehindIsListedAndFinishedWhenItsHostIsNowAPrimary() {
        Promotion left = new Promotion("failover", "sh1", "s1:5432", Lsn.parse("0/3000000"), "p:5432",
                Instant.parse("2026-12-07T00:00:00Z"));
        new PromotionStore(qdb).started(left);
        CoordinatorReplicas replicas = new CoordinatorReplicas(qdb, hosts, TrafficHold.NONE);

        ConsoleResult.Rows shown = (ConsoleResult.Rows) replicas.run(new Show("promotions", Optional.empty()));
        assertThat(shown.columns()).containsExactly("shard_id", "kind", "host", "lsn", "former_primary", "started");
        assertThat(shown.rows()).containsExactly(
                List.of("sh1", "failover", "s1:5432", "0/3000000", "p:5432", "2026-12-07T00:00:00Z"));

        inRecovery.put("s1:5432", true); // not promoted: reported, kept
        replicas.resume();
        assertThat(new PromotionStore(qdb).all()).containsExactly(left);

        inRecovery.put("s1:5432", false); // it did promote before the coordinator stopped
        replicas.resume();
        assertThat(new PromotionStore(qdb).all()).isEmpty();
        assertThat(sent).noneMatch(sql -> sql.contains("pg_promote"));
    }

    @Test
    void aStandingByCoordinatorRefusesBeforeContactingAnyHost() {
        inRecovery.put("s1:5432", true);
        Qdb standingBy = new ForwardingQdb(qdb) {
            @Override
            public void checkWritable() {
                throw new MetadataException("25006", "this coordinator is standing by; the active coordinator's console is at x:1");
            }
        };

        PgException e = catchThrowableOfType(PgException.class,
                () -> new CoordinatorReplicas(standingBy, hosts, TrafficHold.NONE).run(new FailoverShard("sh1", Optional.empty(), false)));

        assertThat(e.sqlState()).isEqualTo(SqlState.READ_ONLY_SQL_TRANSACTION);
        assertThat(e.getMessage()).contains("the active coordinator's console is at x:1");
        assertThat(sent).isEmpty();
    }

    @Test
    void promotionRecordsSurviveTheirYaml() {
        Promotion p = new Promotion("switchover", "sh-1", "[::1]:5432", Lsn.parse("16/B374D848"), "a:1, b:2",
                Instant.parse("2026-12-07T00:01:02.345Z"));
        assertThat(PromotionStore.decode(PromotionStore.encode(p))).isEqualTo(p);
    }
}
