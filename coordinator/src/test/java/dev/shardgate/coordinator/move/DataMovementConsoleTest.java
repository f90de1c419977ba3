package dev.shardgate.coordinator.move;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.coordinator.fleet.MetadataFeed;
import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.wire.PgException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What the console answers about data movement before any shard is contacted. */
class DataMovementConsoleTest {
    private MemoryQdb qdb;
    private MetadataFeed feed;
    private DataMovement movement;
    private ConsoleExecutor console;

    @BeforeEach
    void start() {
        qdb = new MemoryQdb();
        feed = new MetadataFeed(qdb);
        movement = new DataMovement(qdb, new RouterFleet(feed, "store"), DataMoveConfig.defaults());
        console = new ConsoleExecutor(qdb, RouterStatus.withoutClients("test"), movement);
        console.execute("""
                CREATE SHARD sh1 WITH HOSTS '127.0.0.1:1';
                CREATE SHARD sh2 WITH HOSTS '127.0.0.1:1';
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
                CREATE DISTRIBUTION dh COLUMN TYPES varchar hash;
                CREATE KEY RANGE krh FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dh;""");
    }

    @AfterEach
    void stop() {
        movement.close();
        feed.close();
        qdb.close();
    }

    @Test
    void showTaskGroupListsNothingWithoutGroups() {
        ConsoleResult.Rows rows = (ConsoleResult.Rows) console.execute("SHOW task_group").getFirst();
        assertThat(rows.columns()).startsWith("task_group_id", "key_range_id").contains("state", "error", "rows_moved",
                "batches_done", "last_batch_lock_ms");
        assertThat(rows.rows()).isEmpty();
    }

    @Test
    void refusalsNameWhatStandsInTheWay() {
        assertThat(refusal("REDISTRIBUTE KEY RANGE kr9 TO sh2")).isEqualTo("42704 key range \"kr9\" does not exist");
        assertThat(refusal("REDISTRIBUTE KEY RANGE kr1 TO sh9")).isEqualTo("42704 shard \"sh9\" does not exist");
        assertThat(refusal("REDISTRIBUTE KEY RANGE krh TO sh2")).startsWith("08001 cannot connect to shard \"sh1\"");
        assertThat(refusal("STOP TASK GROUP tg7")).isEqualTo("42704 task group \"tg7\" does not exist");
        assertThat(refusal("RETRY TASK GROUP tg7")).isEqualTo("42704 task group \"tg7\" does not exist");
        console.execute("LOCK KEY RANGE kr1");
        assertThat(refusal("REDISTRIBUTE KEY RANGE kr1 TO sh2 CHECK")).isEqualTo("55006 key range \"kr1\" is locked");
    }

    @Test
    void redistributeToTheRangesOwnShardIsANoOpAsInSpqr() {
        // the shards are unreachable: any attempt to move would fail with 08001
        ConsoleResult.Rows moved = (ConsoleResult.Rows) console.execute("REDISTRIBUTE KEY RANGE kr1 TO sh1").getFirst();
        assertThat(moved.columns()).containsExactly("task_group_id", "key_range_id", "rows_moved", "batches_done");
        assertThat(moved.rows()).isEmpty();
        assertThat(((ConsoleResult.Rows) console.execute("REDISTRIBUTE KEY RANGE kr1 TO sh1 CHECK").getFirst()).rows()).isEmpty();
        assertThat(((ConsoleResult.Rows) console.execute("SHOW task_group").getFirst()).rows()).isEmpty();
    }

    @Test
    void moveKeyRangeMetaOnlyChangesRoutingWithoutTouchingTheShards() {
        assertThat(refusal("MOVE KEY RANGE kr1 TO sh2")).startsWith("08001 cannot connect to shard \"sh1\"");

        assertThat(console.execute("MOVE KEY RANGE kr1 TO sh2 META ONLY")).containsExactly(new ConsoleResult.Rows(
                java.util.List.of("move key range"), java.util.List.of(java.util.List.of("move key range kr1 to shard sh2")), "SELECT 1"));
        assertThat(qdb.snapshot().keyRange("kr1").orElseThrow().shardId()).isEqualTo("sh2");
    }

    @Test
    void stopTaskGroupAllWithoutGroupsIsDone() {
        assertThat(console.execute("STOP TASK GROUP ALL")).containsExactly(new ConsoleResult.Done("STOP TASK GROUP"));
    }

    @Test
    void anUnreachableShardFailsTheCheckAndStartsNoGroup() {
        assertThat(refusal("REDISTRIBUTE KEY RANGE kr1 TO sh2 CHECK")).startsWith("08001 cannot connect to shard \"sh1\"");
        assertThat(refusal("REDISTRIBUTE KEY RANGE kr1 TO sh2")).startsWith("08001 cannot connect to shard \"sh1\"");
        assertThat(((ConsoleResult.Rows) console.execute("SHOW task_group").getFirst()).rows()).isEmpty();
        assertThat(qdb.snapshot().keyRange("kr1").orElseThrow().locked()).isFalse();
    }

    @Test
    void drainShardRefusesWhatItCannotDoAndChangesNothing() {
        assertThat(refusal("DRAIN SHARD sh9")).isEqualTo("42704 shard \"sh9\" does not exist");
        assertThat(refusal("DRAIN SHARD sh1 TO sh9")).isEqualTo("42704 shard \"sh9\" does not exist");
        assertThat(refusal("DRAIN SHARD sh1 TO sh2, sh1")).isEqualTo("22023 cannot drain shard \"sh1\" into itself");
        console.execute("CREATE DISTRIBUTION dd COLUMN TYPES integer DEFAULT SHARD sh2");
        assertThat(refusal("DRAIN SHARD sh2")).startsWith("2BP01 shard \"sh2\" is the default shard of distribution \"dd\"");
        // The first move fails on the unreachable shard: the range stays, unlocked, on sh1.
        assertThat(refusal("DRAIN SHARD sh1")).startsWith("08001 cannot connect to shard \"sh1\"");
        assertThat(qdb.snapshot().keyRange("kr1").orElseThrow().shardId()).isEqualTo("sh1");
        console.execute("DROP DISTRIBUTION dd; DROP KEY RANGE kr1; DROP KEY RANGE krh; DROP SHARD sh1");
        assertThat(refusal("DRAIN SHARD sh2")).isEqualTo("55000 shard \"sh2\" is the only shard: there is no shard to drain it into");
    }

    @Test
    void rebalanceRefusesWhatItCannotMeasureAndStoresNoPlan() {
        assertThat(refusal("REBALANCE DISTRIBUTION ds9")).isEqualTo("42704 distribution \"ds9\" does not exist");
        assertThat(refusal("REBALANCE DISTRIBUTION ds1 DRY RUN")).startsWith("08001 cannot connect to shard \"sh1\"");
        assertThat(refusal("REBALANCE DISTRIBUTION ds1")).startsWith("08001 cannot connect to shard \"sh1\"");
        console.execute("LOCK KEY RANGE kr1");
        assertThat(refusal("REBALANCE DISTRIBUTION ds1")).isEqualTo("55006 key range \"kr1\" is locked");
        ConsoleResult.Rows show = (ConsoleResult.Rows) console.execute("SHOW rebalance").getFirst();
        assertThat(show.columns()).startsWith("distribution_id", "step", "kind", "key_range_id").contains("task_group_id",
                "state", "error");
        assertThat(show.rows()).isEmpty();
    }

    @Test
    void rebalanceOfADistributionWithoutRangesPlansNothing() {
        console.execute("CREATE DISTRIBUTION empty COLUMN TYPES integer");
        ConsoleResult.Rows plan = (ConsoleResult.Rows) console.execute("REBALANCE DISTRIBUTION empty").getFirst();
        assertThat(plan.columns()).containsExactly("step", "kind", "key_range_id", "bound", "from_shard_id", "to_shard_id",
                "est_rows", "est_bytes");
        assertThat(plan.rows()).isEmpty();
    }

    private String refusal(String statement) {
        PgException e = catchThrowableOfType(PgException.class, () -> console.execute(statement));
        assertThat(e).as(statement).isNotNull();
        return e.sqlState().code() + " " + e.getMessage();
    }
}
