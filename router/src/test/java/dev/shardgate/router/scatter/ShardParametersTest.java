package dev.shardgate.router.scatter;

import dev.shardgate.wire.Bind;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ShardParametersTest {
    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aShardsRowsKeepTheirParametersRenumberedInOrder() {
        ShardParameters second = ShardParameters.of("INSERT INTO t (id, owner) VALUES ($3, $4) RETURNING id");
        assertThat(second.sql()).isEqualTo("INSERT INTO t (id, owner) VALUES ($1, $2) RETURNING id");
        assertThat(second.used()).containsExactly(3, 4);

        ShardParameters mixed = ShardParameters.of("INSERT INTO t VALUES ($5, $2), ($12, $2) ON CONFLICT (id) DO UPDATE SET n = $9");
        assertThat(mixed.sql()).isEqualTo("INSERT INTO t VALUES ($2, $1), ($4, $1) ON CONFLICT (id) DO UPDATE SET n = $3");
        assertThat(mixed.used()).containsExactly(2, 5, 9, 12);
    }

    @Test
    void dollarsThatAreNotParametersStayAsTheyAre() {
        String sql = "INSERT INTO t VALUES ($3, '$1', E'\\'$2', \"col$1\", $$ $1 $$, $tag$ $2 $tag$, a$1, /* $1 */ $4) -- $1";
        ShardParameters shard = ShardParameters.of(sql);
        assertThat(shard.sql()).isEqualTo("INSERT INTO t VALUES ($1, '$1', E'\\'$2', \"col$1\", $$ $1 $$, $tag$ $2 $tag$, a$1, /* $1 */ $2) -- $1");
        assertThat(shard.used()).containsExactly(3, 4);
    }

    @Test
    void theBindKeepsTheValuesTypesAndFormatsOfItsParameters() {
        ShardParameters shard = ShardParameters.of("VALUES ($2), ($4)");
        Bind client = new Bind("", "s", new short[] {0, 1, 0, 1}, new byte[][] {text("a"), text("b"), null, text("d")}, new short[] {1});
        Bind cut = shard.bind(client, "", new short[0]);
        assertThat(cut.parameters()).isDeepEqualTo(new byte[][] {text("b"), text("d")});
        assertThat(cut.parameterFormats()).containsExactly((short) 1, (short) 1);
        assertThat(cut.statement()).isEmpty();
        assertThat(shard.parameterTypes(new int[] {23, 25, 23, 20})).containsExactly(25, 20);
        assertThat(shard.parameterTypes(new int[0])).containsExactly(0, 0);
        assertThat(shard.bind(new Bind("", "", new short[] {1}, client.parameters(), new short[0]), "", new short[0])
                .parameterFormats()).containsExactly((short) 1);
    }
}
