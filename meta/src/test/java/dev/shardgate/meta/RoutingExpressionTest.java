package dev.shardgate.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingExpressionTest {
    private static final RoutingExpression ID_AND_NAME = new RoutingExpression(HashFunction.MURMUR, List.of(
            new RoutingExpression.TypedColumn("id1", ColumnType.INTEGER_HASH),
            new RoutingExpression.TypedColumn("id2", ColumnType.VARCHAR_HASH)));

    /**
     * SPQR's regression test expression_routing: MURMUR [id1 INT HASH, id2 VARCHAR HASH] over four
     * ranges of a quarter of the hash space each sends these rows to sh1, sh3, sh3, sh4, sh4.
     */
    @Test
    void placesSpqrsRowsInSpqrsQuarters() {
        assertThat(quarter(0, "aba")).isEqualTo(1);
        assertThat(quarter(1, "ziziziz")).isEqualTo(3);
        assertThat(quarter(2, "ziiziziziz")).isEqualTo(3);
        assertThat(quarter(3, "ziizizizi")).isEqualTo(4);
        assertThat(quarter(4, "yyuyuyuyu")).isEqualTo(4);
    }

    private static long quarter(long id1, String id2) {
        return ID_AND_NAME.keyOf(List.of(id1, id2)).value() / (1L << 30) + 1;
    }

    @Test
    void hashesTheColumnsHashesAsIntegersThenTheirBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(HashFunction.integerBytes(HashFunction.CITY.hashInteger(-7)));
        bytes.writeBytes(HashFunction.integerBytes(HashFunction.CITY.hashVarchar("ключ")));
        RoutingExpression city = new RoutingExpression(HashFunction.CITY, List.of(
                new RoutingExpression.TypedColumn("a", ColumnType.INTEGER),
                new RoutingExpression.TypedColumn("b", ColumnType.VARCHAR)));
        assertThat(city.keyOfText(List.of("-7", "ключ")).value()).isEqualTo(HashFunction.CITY.hashBytes(bytes.toByteArray()));
        assertThat(city.keyOf(List.of(-7, "ключ"))).isEqualTo(city.keyOfText(List.of("-7", "ключ")));
    }

    @Test
    void spellingsWithAndWithoutHashHashAlike() {
        RoutingExpression plain = new RoutingExpression(HashFunction.MURMUR, List.of(
                new RoutingExpression.TypedColumn("id1", ColumnType.INTEGER),
                new RoutingExpression.TypedColumn("id2", ColumnType.VARCHAR)));
        assertThat(plain.keyOfText(List.of("42", "x"))).isEqualTo(ID_AND_NAME.keyOfText(List.of("42", "x")));
        assertThat(plain.keyOfText(List.of("42", "x"))).isNotEqualTo(plain.keyOfText(List.of("42", "y")));
    }

    @Test
    void refusesWhatSpqrCannotHash() {
        assertThatThrownBy(() -> new RoutingExpression(HashFunction.IDENT,
                List.of(new RoutingExpression.TypedColumn("a", ColumnType.INTEGER))))
                .isInstanceOf(MetadataException.class).hasMessageContaining("needs hash function murmur or city")
                .extracting(e -> ((MetadataException) e).sqlState()).isEqualTo("42P16");
        assertThatThrownBy(() -> new RoutingExpression.TypedColumn("u", ColumnType.UUID))
                .isInstanceOf(MetadataException.class)
                .extracting(e -> ((MetadataException) e).sqlState()).isEqualTo("0A000");
        assertThatThrownBy(() -> new RoutingExpression(HashFunction.MURMUR, List.of(
                new RoutingExpression.TypedColumn("a", ColumnType.INTEGER),
                new RoutingExpression.TypedColumn("a", ColumnType.VARCHAR))))
                .isInstanceOf(MetadataException.class).hasMessage("column \"a\" is named twice in a routing expression");
        assertThatThrownBy(() -> ID_AND_NAME.keyOfText(List.of("x1", "a")))
                .isInstanceOf(MetadataException.class)
                .extracting(e -> ((MetadataException) e).sqlState()).isEqualTo("22P02");
    }

    @Test
    void aRelationRoutesByItsValueColumnsInOrder() {
        Metadata metadata = Metadata.empty()
                .apply(new MetadataChange.CreateShard(new Shard("sh1", List.of("h:1"))))
                .apply(new MetadataChange.CreateDistribution(new Distribution("ds", List.of(ColumnType.INTEGER, ColumnType.INTEGER_HASH),
                        java.util.Optional.empty())))
                .apply(new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.parse("t"), "ds",
                        List.of(DistributionKeyColumn.of("tenant"), ID_AND_NAME))));
        DistributedRelation relation = metadata.relation(QualifiedName.parse("t")).orElseThrow();
        assertThat(relation.valueColumns()).containsExactly("tenant", "id1", "id2");
        assertThat(metadata.valueTypes(relation)).containsExactly(ColumnType.INTEGER, ColumnType.INTEGER_HASH, ColumnType.VARCHAR_HASH);
        assertThat(metadata.routingKeyFromText(relation, List.of("7", "1", "ziziziz")).values())
                .containsExactly(KeyValue.integer(7), ID_AND_NAME.keyOfText(List.of("1", "ziziziz")));
        assertThatThrownBy(() -> metadata.routingKeyFromText(relation, List.of("7", "1")))
                .isInstanceOf(MetadataException.class)
                .hasMessage("relation \"public.t\" has 3 distribution key columns but 2 values were given");
    }

    @Test
    void anExpressionNeedsAHashedDistributionColumn() {
        Metadata metadata = Metadata.empty()
                .apply(new MetadataChange.CreateDistribution(new Distribution("ds", List.of(ColumnType.INTEGER),
                        java.util.Optional.empty())));
        assertThatThrownBy(() -> metadata.apply(new MetadataChange.AttachRelation(new DistributedRelation(
                QualifiedName.parse("t"), "ds", List.of(ID_AND_NAME)))))
                .isInstanceOf(MetadataException.class)
                .hasMessage("routing expression MURMUR [id1 INTEGER HASH, id2 VARCHAR HASH] of relation \"public.t\" makes a hash,"
                        + " but column 1 of distribution \"ds\" is integer (expected a hashed type)");
    }
}
