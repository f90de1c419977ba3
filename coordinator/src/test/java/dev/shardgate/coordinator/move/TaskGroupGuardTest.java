package dev.shardgate.coordinator.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.coordinator.fleet.MetadataFeed;
import dev.shardgate.coordinator.fleet.RouterFleet;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.wire.PgException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The coordinator's console keeps its hands off what a task group is moving. */
class TaskGroupGuardTest {
    private MemoryQdb qdb;
    private MetadataFeed feed;
    private DataMovement movement;
    private ConsoleExecutor console;
    private TaskGroupStore groups;

    @BeforeEach
    void start() {
        qdb = new MemoryQdb();
        feed = new MetadataFeed(qdb);
        movement = new DataMovement(qdb, new RouterFleet(feed, "store"), DataMoveConfig.defaults());
        console = new ConsoleExecutor(movement.guarding(qdb), RouterStatus.withoutClients("test"), movement);
        console.execute("""
                CREATE SHARD sh1 WITH HOSTS '127.0.0.1:1';
                CREATE SHARD sh2 WITH HOSTS '127.0.0.1:1';
                CREATE SHARD sh3 WITH HOSTS '127.0.0.1:1';
                CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
                CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh3 FOR DISTRIBUTION ds1;
                CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh1 FOR DISTRIBUTION ds1;
                CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
                CREATE DISTRIBUTION ds2 COLUMN TYPES integer;
                CREATE KEY RANGE kro FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds2;""");
        groups = new TaskGroupStore(qdb);
        // kr2 half moved to sh2: its first batch (1000..1100) kept the id kr2, the rest is kr2_tg1_2
        console.execute("SPLIT KEY RANGE kr2_tg1_2 FROM kr2 BY 1100");
        qdb.apply(new MetadataChange.MoveKeyRange("kr2", "sh2"));
        groups.create(TaskGroup.planned("tg1", "kr2", "ds1", "sh1", "sh2", 100)
                .planned(Optional.of(KeyBound.of(new KeyValue.IntegerValue(1100))), 100).batchDone(100, 3));
    }

    @AfterEach
    void stop() {
        movement.close();
        feed.close();
        qdb.close();
    }

    @Test
    void changesToTheMovingRangesAreRefusedNamingTheGroup() {
        assertThat(refusal("DROP KEY RANGE kr2_tg1_2")).startsWith("55006 key range \"kr2_tg1_2\" is in use by "
                + "task group \"tg1\", which moves key range \"kr2\" from shard \"sh1\" to \"sh2\" (PLANNED)").endsWith("STOP TASK GROUP tg1");
        assertThat(refusal("DROP KEY RANGE kr2")).startsWith("55006 key range \"kr2\" is in use");
        assertThat(refusal("SPLIT KEY RANGE krx FROM kr2_tg1_2 BY 1500")).startsWith("55006 key range \"kr2_tg1_2\"");
        assertThat(refusal("LOCK KEY RANGE kr2_tg1_2")).startsWith("55006");
        assertThat(refusal("CREATE KEY RANGE krx FROM 1500 ROUTE TO sh1 FOR DISTRIBUTION ds1"))
                .as("a new range inside the rest would take its upper half").startsWith("55006 key range \"kr2_tg1_2\"");
        assertThat(refusal("DROP KEY RANGE kr3")).as("the rest's end is the next range's start")
                .startsWith("55006 key range \"kr2_tg1_2\"");
        console.execute("CREATE SHARD sh4 WITH HOSTS '127.0.0.1:1'");
        groups.create(TaskGroup.planned("tg2", "kro", "ds2", "sh1", "sh4", 100));
        assertThat(refusal("DROP SHARD sh4")).as("the empty destination of a group that has not begun")
                .startsWith("55006 shard \"sh4\" is in use by task group \"tg2\"");
        assertThat(refusal("DROP DISTRIBUTION ds2 CASCADE")).startsWith("55006 distribution \"ds2\" is in use by task group \"tg2\"");
        assertThat(refusal("DROP KEY RANGE ALL")).startsWith("55006");
        assertThat(qdb.snapshot().keyRange("kr2_tg1_2")).isPresent();
    }

    @Test
    void everythingElseGoesOnAndTheRangesAreFreeOnceTheGroupEnds() {
        console.execute("SPLIT KEY RANGE kr1b FROM kr1 BY 500");
        console.execute("CREATE KEY RANGE kr4 FROM 3000 ROUTE TO sh3 FOR DISTRIBUTION ds1");
        console.execute("DROP KEY RANGE kro");
        assertThat(qdb.snapshot().keyRange("kr1b")).isPresent();
        assertThat(qdb.snapshot().keyRange("kr4")).isPresent();

        groups.remove("tg1");
        console.execute("DROP KEY RANGE kr2_tg1_2");
        assertThat(qdb.snapshot().keyRange("kr2_tg1_2")).isEmpty();
    }

    private String refusal(String statement) {
        PgException e = catchThrowableOfType(PgException.class, () -> console.execute(statement));
        assertThat(e).as(statement).isNotNull();
        return e.sqlState().code() + " " + e.getMessage();
    }
}
