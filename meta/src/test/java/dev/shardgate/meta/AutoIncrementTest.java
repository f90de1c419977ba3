package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataAssertions.assertRefused;
import static dev.shardgate.meta.MetadataAssertions.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.MetadataChange.AttachRelation;
import dev.shardgate.meta.MetadataChange.DetachRelation;
import java.util.List;
import org.junit.jupiter.api.Test;

class AutoIncrementTest {
    private final Metadata metadata = sample();

    private static DistributedRelation relation(String name, AutoIncrementColumn... columns) {
        return new DistributedRelation(QualifiedName.parse(name), "ds1", List.of(DistributionKeyColumn.of("id")),
                List.of(columns));
    }

    @Test
    void sequenceIsNamedAfterRelationAndColumnWithSchemaOutsidePublic() {
        assertThat(relation("items", AutoIncrementColumn.of("id")).sequenceName(AutoIncrementColumn.of("id")))
                .isEqualTo("items_id");
        assertThat(relation("sales.items", AutoIncrementColumn.of("id")).sequenceName(AutoIncrementColumn.of("id")))
                .isEqualTo("sales.items_id");
    }

    @Test
    void attachedRelationKnowsItsSequences() {
        Metadata after = metadata.apply(new AttachRelation(
                relation("items", AutoIncrementColumn.of("id"), new AutoIncrementColumn("serial_no", 1000))));
        assertThat(after.sequenceUses()).containsOnlyKeys("items_id", "items_serial_no");
        Metadata.SequenceUse use = after.sequenceUse("items_serial_no").orElseThrow();
        assertThat(use.relation()).isEqualTo(QualifiedName.of("items"));
        assertThat(use.column()).isEqualTo(new AutoIncrementColumn("serial_no", 1000));
        assertThat(after.apply(new DetachRelation(QualifiedName.of("items"))).sequenceUse("items_id")).isEmpty();
    }

    @Test
    void refusesColumnNamedTwice() {
        assertRefused(() -> relation("items", AutoIncrementColumn.of("id"), new AutoIncrementColumn("id", 5)),
                "42P16", "column \"id\" of relation \"public.items\" is named twice in AUTO INCREMENT");
    }

    @Test
    void refusesTwoRelationsMakingOneSequenceName() {
        Metadata withAb = metadata.apply(new AttachRelation(relation("a_b", AutoIncrementColumn.of("c"))));
        assertRefused(() -> withAb.apply(new AttachRelation(relation("a", AutoIncrementColumn.of("b_c")))), "42710",
                "sequence \"a_b_c\" for column \"b_c\" of relation \"public.a\" is already used by column \"c\""
                        + " of relation \"public.a_b\"");
    }

    @Test
    void referenceRelationKnowsItsSequencesAndSharesNoNameWithADistributedOne() {
        Metadata withRates = metadata.apply(new MetadataChange.CreateReferenceRelation(new ReferenceRelation(
                QualifiedName.of("rates"), List.of(), List.of(new AutoIncrementColumn("id", 42)))));
        Metadata.SequenceUse use = withRates.sequenceUse("rates_id").orElseThrow();
        assertThat(use.relation()).isEqualTo(QualifiedName.of("rates"));
        assertThat(use.column()).isEqualTo(new AutoIncrementColumn("id", 42));
        assertThat(withRates.apply(new MetadataChange.DropReferenceRelation(QualifiedName.of("rates"))).sequenceUses()).isEmpty();
        Metadata withAb = metadata.apply(new MetadataChange.CreateReferenceRelation(new ReferenceRelation(
                QualifiedName.of("a_b"), List.of(), List.of(AutoIncrementColumn.of("c")))));
        assertRefused(() -> withAb.apply(new AttachRelation(relation("a", AutoIncrementColumn.of("b_c")))), "42710",
                "sequence \"a_b_c\" for column \"b_c\" of relation \"public.a\" is already used by column \"c\""
                        + " of relation \"public.a_b\"");
        assertRefused(() -> new ReferenceRelation(QualifiedName.of("r"), List.of(), List.of(AutoIncrementColumn.of("id"),
                AutoIncrementColumn.of("id"))), "42P16", "column \"id\" of relation \"public.r\" is named twice in AUTO INCREMENT");
    }

    @Test
    void relationWithoutAutoIncrementHasNone() {
        assertThat(metadata.relation(QualifiedName.of("orders")).orElseThrow().autoIncrement()).isEmpty();
        assertThat(metadata.sequenceUses()).isEmpty();
    }
}
