package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.Shard;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.wire.PgException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopiedRelationsTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);
    /** orders distributed; countries on every shard; rates on sh2 and sh3 only. */
    private static final Metadata METADATA = Metadata.empty().apply(List.of(
            new MetadataChange.CreateShard(new Shard("sh1", List.of("h1:5432"))),
            new MetadataChange.CreateShard(new Shard("sh2", List.of("h2:5432"))),
            new MetadataChange.CreateShard(new Shard("sh3", List.of("h3:5432"))),
            new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER))),
            new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("orders"), "ds1",
                    List.of(DistributionKeyColumn.of("id")))),
            new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("countries"), List.of())),
            new MetadataChange.CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("rates"), List.of("sh3", "sh2")))));

    private static Route route(String sql) {
        var analysis = ANALYZER.analyze(sql);
        return QueryStringRoute.of(analysis.statements(),
                analysis.statements().stream().map(s -> StatementRouter.route(METADATA, s, null)).toList(), missing -> missing);
    }

    @Test
    void ddlOnADistributedRelationGoesToEveryShard() {
        for (String sql : List.of("CREATE TABLE orders (id int)", "CREATE INDEX ON orders (id)", "ALTER TABLE orders ADD c int",
                "DROP TABLE orders", "TRUNCATE orders")) {
            assertThat(route(sql)).as(sql).isInstanceOfSatisfying(Route.EveryShard.class,
                    every -> assertThat(every.shards()).containsExactly("sh1", "sh2", "sh3"));
        }
        assertThat(route("CREATE TABLE unrelated (id int)")).isInstanceOf(Route.AnyShard.class);
    }

    @Test
    void referenceWritesGoToEachCopyAndReadsToOne() {
        assertThat(((Route.EveryShard) route("INSERT INTO rates VALUES (1)")).shards()).isEqualTo(Set.of("sh2", "sh3"));
        assertThat(((Route.EveryShard) route("UPDATE countries SET name = 'x'")).shards()).hasSize(3);
        assertThat(((Route.EveryShard) route("TRUNCATE rates")).shards()).isEqualTo(Set.of("sh2", "sh3"));
        assertThat(route("SELECT * FROM rates")).isInstanceOfSatisfying(Route.OneShard.class, one -> {
            assertThat(one.shard()).isEqualTo("sh2");
            assertThat(one.reason()).isEqualTo("reference relation public.rates → sh2");
        });
        assertThat(route("SELECT * FROM countries")).isInstanceOf(Route.AnyShard.class);
        assertThat(route("SELECT * FROM orders o JOIN countries c ON c.code = o.note")).isInstanceOf(Route.NoKey.class);
        assertThatThrownBy(() -> route("INSERT INTO countries SELECT * FROM orders"))
                .isInstanceOf(PgException.class).hasMessageContaining("cannot read distributed relation orders");
    }

    @Test
    void nestedReferenceWritesGoToEachCopy() {
        for (String sql : List.of("WITH i AS (INSERT INTO rates VALUES (1) RETURNING *) SELECT * FROM i",
                "WITH d AS (DELETE FROM rates RETURNING *) SELECT count(*) FROM d",
                "WITH u AS (UPDATE rates SET r = 2 RETURNING *) SELECT * FROM u",
                "EXPLAIN ANALYZE UPDATE rates SET r = 2",
                "MERGE INTO rates r USING (VALUES (1)) v(x) ON r.r = v.x WHEN NOT MATCHED THEN INSERT VALUES (v.x)")) {
            assertThat(route(sql)).as(sql).isInstanceOfSatisfying(Route.EveryShard.class,
                    every -> assertThat(every.shards()).containsExactly("sh2", "sh3"));
        }
        assertThatThrownBy(() -> route("WITH i AS (INSERT INTO rates VALUES (1)) SELECT * FROM orders WHERE id = 5"))
                .isInstanceOf(PgException.class).hasMessageContaining("cannot read distributed relation orders");
        assertThatThrownBy(() -> route("WITH i AS (INSERT INTO rates VALUES (1)) INSERT INTO countries VALUES ('x')"))
                .isInstanceOf(PgException.class).hasMessageContaining("their copies are on different shards");
        assertThatThrownBy(() -> route("PREPARE p AS INSERT INTO countries VALUES ('x')"))
                .isInstanceOf(PgException.class).hasMessageContaining("PREPARE of a statement that writes reference relation");
    }

    @Test
    void ddlOnSchemaLevelObjectsGoesToEveryShard() {
        for (String sql : List.of("CREATE SCHEMA s", "DROP SCHEMA s CASCADE", "ALTER SCHEMA s RENAME TO t",
                "CREATE TYPE mood AS ENUM ('ok')", "ALTER TYPE mood ADD VALUE 'sad'", "CREATE TYPE pair AS (a int, b int)",
                "DROP TYPE mood", "CREATE DOMAIN posint AS int CHECK (VALUE > 0)", "CREATE EXTENSION IF NOT EXISTS pgcrypto",
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "DROP FUNCTION f()",
                "CREATE PROCEDURE p() LANGUAGE sql AS 'SELECT 1'", "CREATE SEQUENCE s.seq", "ALTER SEQUENCE seq RESTART",
                "DROP SEQUENCE seq", "CREATE COLLATION c (locale = 'C')", "CREATE CAST (int AS mood) WITH INOUT",
                "CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)",
                "CREATE TEXT SEARCH CONFIGURATION tsc (COPY = english)", "ALTER FUNCTION f() OWNER TO bob",
                "ALTER TYPE mood SET SCHEMA s", "COMMENT ON SCHEMA s IS 'x'")) {
            assertThat(route(sql)).as(sql).isInstanceOfSatisfying(Route.EveryShard.class,
                    every -> assertThat(every.shards()).containsExactly("sh1", "sh2", "sh3"));
        }
        assertThat(route("CREATE TABLE s.unrelated (id int)")).isInstanceOf(Route.AnyShard.class);
        assertThat(route("CREATE VIEW v AS SELECT 1")).isInstanceOf(Route.AnyShard.class);
    }
}
