package dev.shardgate.router.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which INSERTs get which values, over both protocols; the texts servers then run. */
class AutoIncrementFillTest {
    private static final SqlAnalyzer analyzer = new SqlAnalyzer(100);
    private final MemoryQdb qdb = new MemoryQdb();
    private final AutoIncrementFill fill = new AutoIncrementFill(analyzer, qdb::snapshot, new SequenceBlocks(qdb, 100));

    AutoIncrementFillTest() {
        qdb.apply(List.of(
                new MetadataChange.CreateDistribution(new Distribution("ds", List.of(ColumnType.INTEGER))),
                new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("orders"), "ds",
                        List.of(DistributionKeyColumn.of("id")), List.of(AutoIncrementColumn.of("id")))),
                new MetadataChange.AttachRelation(new DistributedRelation(new QualifiedName("sales", "items"), "ds",
                        List.of(DistributionKeyColumn.of("order_id")),
                        List.of(new AutoIncrementColumn("id", 1000), new AutoIncrementColumn("line", 5)))),
                new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("plain"), "ds",
                        List.of(DistributionKeyColumn.of("id")))),
                new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("rates"), List.of(),
                        List.of(new AutoIncrementColumn("id", 42))))));
    }

    private String query(String sql) {
        return fill.query(sql, analyzer.analyze(sql));
    }

    private PgException refusal(String sql) {
        PgException e = catchThrowableOfType(PgException.class, () -> query(sql));
        assertThat(e).as(sql).isNotNull();
        assertThat(e.sqlState()).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
        return e;
    }

    private static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Test
    void simpleInsertGetsOneFreshValuePerRow() {
        assertThat(query("INSERT INTO orders (name) VALUES ('a'), ('b') RETURNING id"))
                .isEqualTo("INSERT INTO orders (name, \"id\") VALUES ('a', 1), ('b', 2) RETURNING id");
        assertThat(query("insert into public.orders(name) values ('c')"))
                .isEqualTo("insert into public.orders(name, \"id\") values ('c', 3)");
    }

    @Test
    void aReferenceRelationsInsertGetsItsValuesOnceForEveryCopy() {
        assertThat(query("INSERT INTO rates (name) VALUES ('a'), ('b')"))
                .isEqualTo("INSERT INTO rates (name, \"id\") VALUES ('a', 42), ('b', 43)");
        assertThat(refusal("INSERT INTO rates (name) SELECT 'x'").getMessage()).contains("\"id\"").contains("public.rates");
    }

    @Test
    void everyMissingColumnComesFromItsOwnSequenceFromItsStart() {
        assertThat(query("INSERT INTO sales.items (order_id) VALUES (7), (8)"))
                .isEqualTo("INSERT INTO sales.items (order_id, \"id\", \"line\") VALUES (7, 1000, 5), (8, 1001, 6)");
        assertThat(query("INSERT INTO sales.items (order_id, line) VALUES (7, 1)"))
                .isEqualTo("INSERT INTO sales.items (order_id, line, \"id\") VALUES (7, 1, 1002)");
    }

    @Test
    void columnsTheClientGivesAndOtherRelationsAreLeftAlone() {
        for (String sql : List.of("INSERT INTO orders (id, name) VALUES (42, 'x')", "INSERT INTO plain (id) VALUES (1)",
                "INSERT INTO plain VALUES (1)", "INSERT INTO orders (id) SELECT 5", "SELECT * FROM orders",
                "UPDATE orders SET name = 'insert' WHERE id = 1", "INSERT INTO other (a) VALUES (1)")) {
            assertThat(query(sql)).as(sql).isSameAs(sql);
        }
    }

    @Test
    void formsThatCannotTakeTheColumnAreRefusedNamingRelationAndColumn() {
        assertThat(refusal("INSERT INTO orders VALUES (1, 'a')").getMessage()).isEqualTo(
                "auto-increment column \"id\" of relation \"public.orders\" can only be filled by the router in"
                        + " INSERT INTO … (columns) VALUES …, not in INSERT without a column list");
        assertThat(refusal("INSERT INTO orders (name) SELECT 'a'").getMessage()).endsWith("not in INSERT … SELECT");
        assertThat(refusal("INSERT INTO orders DEFAULT VALUES").getMessage()).endsWith("not in INSERT … DEFAULT VALUES");
        assertThat(refusal("WITH n AS (INSERT INTO orders (name) VALUES ('a') RETURNING id) SELECT * FROM n").getMessage())
                .endsWith("not in INSERT inside another statement");
        assertThat(refusal("PREPARE p AS INSERT INTO sales.items (order_id) VALUES ($1)").getMessage())
                .startsWith("auto-increment column \"id\" of relation \"sales.items\"");
        assertThat(refusal("INSERT INTO orders VALUES (1)").hint()).isEqualTo(
                "List the columns and give the rows with VALUES, or give \"id\" yourself.");
    }

    @Test
    void copyMustGiveTheAutoIncrementColumnsWhenItListsColumns() {
        DistributedRelation items = qdb.snapshot().relation(new QualifiedName("sales", "items")).orElseThrow();
        AutoIncrementFill.requireCopyColumns(items, List.of());
        AutoIncrementFill.requireCopyColumns(items, List.of("line", "order_id", "id"));
        PgException e = catchThrowableOfType(PgException.class,
                () -> AutoIncrementFill.requireCopyColumns(items, List.of("order_id", "id")));
        assertThat(e.sqlState()).isEqualTo(SqlState.FEATURE_NOT_SUPPORTED);
        assertThat(e.getMessage()).isEqualTo("auto-increment column \"line\" of relation \"sales.items\" can only be"
                + " filled by the router in INSERT INTO … (columns) VALUES …, not in COPY");
    }

    @Test
    void preparedInsertGetsHiddenBigintParametersAfterTheClientsOwn() {
        AutoIncrementFill.Prepared prepared = fill.prepare("INSERT INTO orders (name, note) VALUES ($1, $2), ($3, 'x')",
                new int[] {25});
        assertThat(prepared.sql()).isEqualTo("INSERT INTO orders (name, note, \"id\") VALUES ($1, $2, $4), ($3, 'x', $5)");
        assertThat(prepared.clientParameterCount()).isEqualTo(3);
        assertThat(prepared.parameterTypes()).containsExactly(25, 0, 0, 20, 20);
        assertThat(prepared.clientSql()).isEqualTo("INSERT INTO orders (name, note) VALUES ($1, $2), ($3, 'x')");
        assertThat(fill.prepare("INSERT INTO plain (id) VALUES ($1)", new int[0])).isNull();
        assertThat(fill.prepare("SELECT $1", new int[0])).isNull();
    }

    @Test
    void declaredTypesBeyondTheTextCountAsClientParameters() {
        AutoIncrementFill.Prepared prepared = fill.prepare("INSERT INTO orders (name) VALUES ($1)", new int[] {25, 23});
        assertThat(prepared.sql()).isEqualTo("INSERT INTO orders (name, \"id\") VALUES ($1, $3)");
        assertThat(prepared.clientParameterCount()).isEqualTo(2);
    }

    @Test
    void everyBindOfOneStatementGetsFreshValues() {
        AutoIncrementFill.Prepared prepared = fill.prepare("INSERT INTO sales.items (order_id) VALUES ($1), ($2)", new int[0]);
        assertThat(prepared.sql()).isEqualTo(
                "INSERT INTO sales.items (order_id, \"id\", \"line\") VALUES ($1, $3, $4), ($2, $5, $6)");
        Bind client = new Bind("", "s1", new short[0], new byte[][] {"7".getBytes(), "8".getBytes()}, new short[0]);

        Bind first = fill.bind(prepared, client);
        Bind second = fill.bind(prepared, client);

        assertThat(Arrays.stream(first.parameters()).map(AutoIncrementFillTest::text))
                .containsExactly("7", "8", "1000", "5", "1001", "6");
        assertThat(Arrays.stream(second.parameters()).map(AutoIncrementFillTest::text))
                .containsExactly("7", "8", "1002", "7", "1003", "8");
        assertThat(first.parameterFormats()).isEmpty();
        assertThat(first.statement()).isEqualTo("s1");
    }

    @Test
    void binaryClientParametersStayBinaryAndHiddenOnesAreText() {
        AutoIncrementFill.Prepared prepared = fill.prepare("INSERT INTO orders (name, n) VALUES ($1, $2)", new int[] {25, 23});
        byte[] four = {0, 0, 0, 4};
        Bind bind = fill.bind(prepared, new Bind("p", "", new short[] {1}, new byte[][] {"a".getBytes(), four}, new short[] {1}));
        assertThat(bind.parameterFormats()).containsExactly((short) 1, (short) 1, (short) 0);
        assertThat(text(bind.parameters()[2])).isEqualTo("1");
        assertThat(bind.resultFormats()).containsExactly((short) 1);

        Bind mixed = fill.bind(prepared, new Bind("", "", new short[] {0, 1}, new byte[][] {"a".getBytes(), four}, new short[0]));
        assertThat(mixed.parameterFormats()).containsExactly((short) 0, (short) 1, (short) 0);
    }

    @Test
    void aBindWithTheWrongNumberOfParametersGetsPostgresqlsErrorWithTheClientsCounts() {
        AutoIncrementFill.Prepared prepared = fill.prepare("INSERT INTO orders (name) VALUES ($1)", new int[0]);
        PgException e = catchThrowableOfType(PgException.class, () ->
                fill.bind(prepared, new Bind("", "s", new short[0], new byte[0][], new short[0])));
        assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
        assertThat(e.getMessage()).isEqualTo("bind message supplies 0 parameters, but prepared statement \"s\" requires 1");
    }
}
