package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.DistributionKeyEntry;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.meta.RoutingExpression.TypedColumn;
import dev.shardgate.wire.SqlState;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SPQR's routing expressions: a key entry hashed from several columns, attached, shown, altered and refused. */
class RoutingExpressionStatementsTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @BeforeEach
    void setUp() {
        console.run("""
                CREATE SHARD sh1 WITH HOSTS 'pg1:5432';
                CREATE DISTRIBUTION ds1 COLUMN TYPES int hash;
                CREATE DISTRIBUTION plain COLUMN TYPES integer;
                CREATE DISTRIBUTION two COLUMN TYPES integer, varchar hash""");
    }

    @Test
    void spqrsSpellingsAttachOneHashedEntry() {
        console.run("""
                CREATE RELATION tr (MURMUR [id1 INT HASH, id2 VARCHAR HASH]) IN ds1;
                ALTER DISTRIBUTION ds1 ATTACH RELATION composite DISTRIBUTION KEY murmur [s varchar, i uinteger];
                ALTER DISTRIBUTION two ATTACH RELATION mixed DISTRIBUTION KEY tenant, CITY [a INTEGER, b VARCHAR]""");
        assertThat(key("tr")).containsExactly(new RoutingExpression(HashFunction.MURMUR,
                List.of(new TypedColumn("id1", ColumnType.INTEGER_HASH), new TypedColumn("id2", ColumnType.VARCHAR_HASH))));
        assertThat(key("composite")).containsExactly(new RoutingExpression(HashFunction.MURMUR,
                List.of(new TypedColumn("s", ColumnType.VARCHAR), new TypedColumn("i", ColumnType.INTEGER_HASH))));
        assertThat(key("mixed")).containsExactly(DistributionKeyColumn.of("tenant"), new RoutingExpression(HashFunction.CITY,
                List.of(new TypedColumn("a", ColumnType.INTEGER), new TypedColumn("b", ColumnType.VARCHAR))));

        // shown as ATTACH takes it back
        assertThat(console.rows("SHOW relations")).containsExactly(
                row("composite", "ds1", "murmur [s varchar, i integer hash]", "public"),
                row("mixed", "two", "tenant, city [a integer, b varchar]", "public"),
                row("tr", "ds1", "murmur [id1 integer hash, id2 varchar hash]", "public"));
    }

    @Test
    void alterRelationReplacesOrRenamesInsideTheExpression() {
        console.run("CREATE RELATION tr (MURMUR [id1 INT HASH, id2 VARCHAR HASH]) IN ds1");
        assertThat(console.answers("ALTER DISTRIBUTION ds1 ALTER RELATION tr DISTRIBUTION KEY city [a integer]"))
                .containsExactly("ALTER DISTRIBUTION");
        assertThat(key("tr")).containsExactly(new RoutingExpression(HashFunction.CITY, List.of(new TypedColumn("a", ColumnType.INTEGER))));

        console.run("ALTER DISTRIBUTION ds1 ALTER RELATION tr RENAME DISTRIBUTION COLUMN a TO new_a");
        assertThat(key("tr")).containsExactly(new RoutingExpression(HashFunction.CITY, List.of(new TypedColumn("new_a", ColumnType.INTEGER))));
    }

    @Test
    void refusalsNameTheProblem() {
        console.fails("ALTER DISTRIBUTION plain ATTACH RELATION t DISTRIBUTION KEY murmur [a integer, b varchar]",
                SqlState.INVALID_TABLE_DEFINITION, "routing expression MURMUR [a INTEGER, b VARCHAR] of relation \"public.t\""
                        + " makes a hash, but column 1 of distribution \"plain\" is integer (expected a hashed type)");
        console.fails("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY ident [a integer]",
                SqlState.INVALID_TABLE_DEFINITION, "a routing expression needs hash function murmur or city, not ident");
        console.fails("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY sha1 [a integer]",
                SqlState.INVALID_PARAMETER_VALUE, "hash function \"sha1\" does not exist (expected ident, murmur or city)");
        console.fails("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY murmur [a uuid]",
                SqlState.FEATURE_NOT_SUPPORTED, "column \"a\" of a routing expression cannot be of type uuid"
                        + " (expected integer or varchar, with or without hash)");
        console.fails("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY murmur [a float]",
                SqlState.UNDEFINED_OBJECT, "type \"float\" is not a distribution column type"
                        + " (expected integer, varchar, uuid, integer hash, varchar hash or uuid hash)");
        console.fails("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY murmur [a integer, a varchar]",
                SqlState.INVALID_TABLE_DEFINITION, "column \"a\" is named twice in a routing expression");
        console.fails("ALTER DISTRIBUTION two ATTACH RELATION t DISTRIBUTION KEY murmur [a integer, b varchar]",
                SqlState.INVALID_TABLE_DEFINITION, "relation \"public.t\" has 1 distribution key column but distribution"
                        + " \"two\" has 2 column types");
        console.fails("ALTER DISTRIBUTION ds1 ATTACH RELATION t DISTRIBUTION KEY murmur []", SqlState.SYNTAX_ERROR,
                "syntax error at or near \"]\"");
    }

    private List<DistributionKeyEntry> key(String relation) {
        return console.qdb.snapshot().relation(new QualifiedName(null, relation)).orElseThrow().keyColumns();
    }
}
