package dev.shardgate.router.scatter;

import dev.shardgate.sql.SqlLexer;
import dev.shardgate.wire.Bind;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The parameters one shard's part of a split statement uses. A multi-row INSERT whose rows go to
 * different shards is cut into one statement per shard; each keeps only its rows' {@code $n}, so its
 * parameters are renumbered {@code $1 … $k} (in their original order) and the client's Bind, Parse
 * types and parameter format codes are cut to match. A server refuses a Bind with more values than
 * its statement uses (08P01), and a parameter no part of the statement mentions has no type (42P18).
 *
 * @param sql the shard's statement with its parameters renumbered
 * @param used the client's parameter numbers (1-based) the shard's statement uses, ascending:
 *     shard parameter {@code $i} is client parameter {@code used[i-1]}
 */
public record ShardParameters(String sql, int[] used) {

    /** Renumbers the parameters the text mentions, in ascending order of their client numbers. */
    public static ShardParameters of(String sql) {
        BitSet mentioned = new BitSet();
        SqlLexer.forEachParameter(sql, (start, end, number) -> mentioned.set(number));
        int[] used = mentioned.stream().toArray();
        int[] renumbered = new int[used.length == 0 ? 1 : used[used.length - 1] + 1];
        for (int i = 0; i < used.length; i++) {
            renumbered[used[i]] = i + 1;
        }
        StringBuilder out = new StringBuilder(sql.length());
        int[] copied = {0};
        SqlLexer.forEachParameter(sql, (start, end, number) -> {
            out.append(sql, copied[0], start).append('$').append(renumbered[number]);
            copied[0] = end;
        });
        out.append(sql, copied[0], sql.length());
        return new ShardParameters(out.toString(), used);
    }

    /** The Parse parameter types for the shard's statement: unspecified (0) where the client gave none. */
    public int[] parameterTypes(int[] clientTypes) {
        int[] types = new int[used.length];
        for (int i = 0; i < used.length; i++) {
            types[i] = used[i] - 1 < clientTypes.length ? clientTypes[used[i] - 1] : 0;
        }
        return types;
    }

    /** The client's Bind cut to the shard's parameters; formats given per parameter are cut alike. */
    public Bind bind(Bind client, String portal, short[] resultFormats) {
        byte[][] values = new byte[used.length][];
        for (int i = 0; i < used.length; i++) {
            values[i] = used[i] - 1 < client.parameters().length ? client.parameters()[used[i] - 1] : null;
        }
        short[] formats = client.parameterFormats();
        if (formats.length > 1) {
            short[] cut = new short[used.length];
            for (int i = 0; i < used.length; i++) {
                cut[i] = used[i] - 1 < formats.length ? formats[used[i] - 1] : 0;
            }
            formats = cut;
        }
        return new Bind(portal, "", formats, values, resultFormats);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ShardParameters that && sql.equals(that.sql) && Arrays.equals(used, that.used);
    }

    @Override
    public int hashCode() {
        return sql.hashCode() * 31 + Arrays.hashCode(used);
    }

    @Override
    public String toString() {
        return "ShardParameters[sql=" + sql + ", used=" + Arrays.toString(used) + "]";
    }
}
