package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.qdb.SequenceValues;
import dev.shardgate.wire.SqlState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** AUTO INCREMENT on relations, SHOW sequences and DROP SEQUENCE. */
class SequenceStatementsTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @BeforeEach
    void distribution() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE DISTRIBUTION ds COLUMN TYPES integer");
    }

    @Test
    void attachStoresTheColumnsWithTheirStart() {
        console.run("ALTER DISTRIBUTION ds ATTACH RELATION orders DISTRIBUTION KEY id AUTO INCREMENT id, line START 100;"
                + "CREATE DISTRIBUTED RELATION sales.items (id) AUTO INCREMENT id IN ds");

        assertThat(console.qdb.snapshot().relation(QualifiedName.of("orders")).orElseThrow().autoIncrement())
                .containsExactly(new AutoIncrementColumn("id", 100), new AutoIncrementColumn("line", 100));
        assertThat(console.qdb.snapshot().relation(new QualifiedName("sales", "items")).orElseThrow().autoIncrement())
                .containsExactly(AutoIncrementColumn.of("id"));
        assertThat(console.rows("SHOW sequences")).containsExactly(
                row("orders_id", "orders", "id", "100"),
                row("orders_line", "orders", "line", "100"),
                row("sales.items_id", "sales.items", "id", "1"));
    }

    @Test
    void showListsTheNextValueNoRouterTookAndSequencesWhoseRelationIsGone() {
        console.run("CREATE RELATION orders (id) AUTO INCREMENT id IN ds; CREATE RELATION old (id) AUTO INCREMENT id IN ds");
        SequenceValues.take(console.qdb, "orders_id", 1, 100);
        SequenceValues.take(console.qdb, "old_id", 1, 7);
        console.run("ALTER DISTRIBUTION ds DETACH RELATION old");

        assertThat(console.show("SHOW sequences").columns())
                .containsExactly("sequence_name", "relation_name", "column_name", "next_value");
        assertThat(console.rows("SHOW sequences")).containsExactly(
                row("old_id", null, null, "8"),
                row("orders_id", "orders", "id", "101"));
        assertThat(console.rows("SHOW sequences WHERE relation_name = 'orders'"))
                .containsExactly(row("orders_id", "orders", "id", "101"));
    }

    @Test
    void aReattachedRelationGoesOnWhereItsSequenceStopped() {
        console.run("CREATE RELATION orders (id) AUTO INCREMENT id IN ds");
        SequenceValues.take(console.qdb, "orders_id", 1, 500);
        console.run("ALTER DISTRIBUTION ds DETACH RELATION orders; CREATE RELATION orders (id) AUTO INCREMENT id IN ds");
        assertThat(console.rows("SHOW sequences")).containsExactly(row("orders_id", "orders", "id", "501"));
        console.run("ALTER DISTRIBUTION ds DETACH RELATION orders; CREATE RELATION orders (id) AUTO INCREMENT id START 9000 IN ds");
        assertThat(console.rows("SHOW sequences")).containsExactly(row("orders_id", "orders", "id", "9000"));
    }

    @Test
    void dropIsRefusedWhileARelationUsesTheSequence() {
        console.run("CREATE RELATION orders (id) AUTO INCREMENT id IN ds");
        SequenceValues.take(console.qdb, "orders_id", 1, 100);

        console.fails("DROP SEQUENCE orders_id", SqlState.DEPENDENT_OBJECTS_STILL_EXIST,
                "cannot drop sequence \"orders_id\" because column \"id\" of relation \"public.orders\" uses it;"
                        + " detach the relation first");
        assertThat(SequenceValues.next(console.qdb, "orders_id")).hasValue(101);
    }

    @Test
    void dropAfterDetachForgetsTheValues() {
        console.run("CREATE RELATION orders (id) AUTO INCREMENT id IN ds");
        SequenceValues.take(console.qdb, "orders_id", 1, 100);

        assertThat(console.answers("ALTER DISTRIBUTION ds DETACH RELATION orders; DROP SEQUENCE orders_id"))
                .containsExactly("detach relation: relation name   -> orders / distribution id -> ds", "DROP SEQUENCE");

        assertThat(SequenceValues.next(console.qdb, "orders_id")).isEmpty();
        assertThat(console.rows("SHOW sequences")).isEmpty();
    }

    @Test
    void aRefusedQueryDropsNothing() {
        console.run("CREATE RELATION orders (id) AUTO INCREMENT id IN ds");
        SequenceValues.take(console.qdb, "orders_id", 1, 100);
        console.run("ALTER DISTRIBUTION ds DETACH RELATION orders");

        console.fails("DROP SEQUENCE orders_id; CREATE SHARD sh1 WITH HOSTS 'pg9:5432'", SqlState.DUPLICATE_OBJECT,
                "shard \"sh1\" already exists");
        assertThat(SequenceValues.next(console.qdb, "orders_id")).hasValue(101);
    }

    @Test
    void dropOfAnUnknownSequenceNamesIt() {
        console.fails("DROP SEQUENCE nothing_id", SqlState.UNDEFINED_OBJECT, "sequence \"nothing_id\" does not exist");
    }

    @Test
    void extendedProtocolBatchDropsOnlyAtCommit() {
        console.run("CREATE RELATION orders (id) AUTO INCREMENT id IN ds");
        SequenceValues.take(console.qdb, "orders_id", 1, 100);
        console.run("ALTER DISTRIBUTION ds DETACH RELATION orders");

        ConsoleExecutor.Batch batch = console.executor.batch();
        batch.execute(dev.shardgate.console.parse.ConsoleParser.parse("DROP SEQUENCE orders_id").getFirst());
        assertThat(SequenceValues.next(console.qdb, "orders_id")).hasValue(101);
        batch.abandon();
        batch.commit();
        assertThat(SequenceValues.next(console.qdb, "orders_id")).hasValue(101);

        batch.execute(dev.shardgate.console.parse.ConsoleParser.parse("DROP SEQUENCE orders_id").getFirst());
        batch.commit();
        assertThat(SequenceValues.next(console.qdb, "orders_id")).isEmpty();
    }

    @Test
    void autoIncrementColumnNamedTwiceIsRefused() {
        console.fails("CREATE RELATION orders (id) AUTO INCREMENT id, id IN ds", SqlState.INVALID_TABLE_DEFINITION,
                "column \"id\" of relation \"public.orders\" is named twice in AUTO INCREMENT");
        assertThat(console.qdb.snapshot().relations()).isEmpty();
    }
}
