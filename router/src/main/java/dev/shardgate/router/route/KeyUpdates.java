package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.sql.Assignment;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.sql.Value;
import dev.shardgate.sql.Write;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An UPDATE that gives its rows a new distribution key. Where the new key lives on the rows' own
 * shard, the UPDATE runs there like any other; where it lives elsewhere, the rows move (a split
 * update, {@link Route.RowMove}): taken off the old shard and written to the new one within one
 * transaction. Either way the router must know both keys before the statement runs: the rows' key
 * from the WHERE clause, the new one from the SET clause (a constant, a parameter, or the old key
 * plus or minus one), as SPQR's router does.
 */
final class KeyUpdates {
    private KeyUpdates() {
    }

    /** The statement is a plain UPDATE of this relation that gives its key column a value the router can know. */
    static boolean isKeyUpdate(Statement statement, DistributedRelation relation) {
        if (statement.kind() != StatementKind.UPDATE || statement.writes().size() != 1 || relation.keyColumns().size() != 1
                || !(relation.keyColumns().getFirst() instanceof DistributionKeyColumn key)) {
            return false;
        }
        Write write = statement.writes().getFirst();
        return write.kind() == Write.Kind.UPDATE && write.assignments().containsKey(key.column());
    }

    /** Why a write that assigns the key column cannot be routed as a key update. */
    static String whyNot(Statement statement, Write write, DistributedRelation relation) {
        if (relation.keyColumns().size() != 1 || !(relation.keyColumns().getFirst() instanceof DistributionKeyColumn)) {
            return "its distribution key has several columns or a routing expression";
        }
        if (statement.kind() != StatementKind.UPDATE || statement.writes().size() != 1 || write.kind() != Write.Kind.UPDATE) {
            return "only a plain UPDATE (not in a WITH query, not ON CONFLICT DO UPDATE, not MERGE) can move rows to the"
                    + " shard of their new key";
        }
        return "the new key must be a constant, a parameter, or the key plus or minus a constant, for the router to know"
                + " the new key's shard before the rows are written";
    }

    /**
     * The route of a key update, given where its rows are ({@code rows}, from its WHERE clause); any
     * other statement's route as it is.
     */
    static Route route(Metadata metadata, Statement statement, BoundValues bound, Route rows) {
        if (statement.kind() != StatementKind.UPDATE || statement.writes().size() != 1) {
            return rows;
        }
        Write write = statement.writes().getFirst();
        Optional<DistributedRelation> found = metadata.relation(new QualifiedName(write.table().schema(), write.table().name()));
        if (found.isEmpty() || !isKeyUpdate(statement, found.get())) {
            return rows;
        }
        DistributedRelation relation = found.get();
        String column = ((DistributionKeyColumn) relation.keyColumns().getFirst()).column();
        Assignment assignment = write.assignments().get(column);
        String from = switch (rows) {
            case Route.AnyShard any -> null; // no row has the key it names: the UPDATE changes nothing, anywhere
            case Route.OneShard one -> one.shard();
            default -> throw refused(relation, column, "the WHERE clause must pin " + column + " to keys of one shard", rows);
        };
        if (from == null) {
            return rows;
        }
        ColumnType type = StatementRouter.typeAt(StatementRouter.columnTypes(metadata, relation), 0);
        List<String> newKeys = new ArrayList<>();
        switch (assignment) {
            case Assignment.Given given -> {
                if (given.value() instanceof Value.Param && bound == null) {
                    return rows; // described before its values are bound: routed again at Bind
                }
                if (!(KeyValues.of(given.value(), type, true, bound) instanceof KeyValues.Key.Text text)) {
                    throw refused(relation, column, "the new key is NULL or a value the router cannot read", rows);
                }
                newKeys.add(text.text());
            }
            case Assignment.Shifted shifted -> {
                if (shifted.step() instanceof Value.Param && bound == null) {
                    return rows;
                }
                List<List<String>> oldKeys = StatementRouter.filterKeys(metadata, statement, write.table(), relation, bound);
                BigInteger step = integer(KeyValues.of(shifted.step(), type, false, bound));
                if (oldKeys == null || step == null || (type != ColumnType.INTEGER && type != ColumnType.INTEGER_HASH)) {
                    throw refused(relation, column, "a new key computed from the old one needs an integer key pinned by the"
                            + " WHERE clause to constants, and an integer step", rows);
                }
                for (List<String> key : oldKeys) {
                    BigInteger old = integer(new KeyValues.Key.Text(key.getFirst()));
                    if (old == null) {
                        throw refused(relation, column, "the old key " + key.getFirst() + " is not an integer", rows);
                    }
                    newKeys.add((shifted.minus() ? old.subtract(step) : old.add(step)).toString());
                }
            }
        }
        SortedSet<String> targets = new TreeSet<>();
        for (String key : newKeys) {
            targets.add(StatementRouter.shardOfNewRow(metadata, relation, List.of(key)));
        }
        String moved = relation.name().name() + "." + column + " := " + String.join(", ", newKeys) + " → " + String.join(", ", targets);
        if (targets.size() == 1 && targets.first().equals(from)) {
            return new Route.OneShard(from, () -> rows.reason() + "; new key " + moved + ", the same shard");
        }
        if (targets.size() > 1) {
            throw refused(relation, column, "its rows would move to several shards (" + String.join(", ", targets) + ")", rows);
        }
        String to = targets.first();
        SortedSet<String> both = new TreeSet<>(List.of(from, to));
        return new Route.ManyShards(both, () -> rows.reason() + "; new key " + moved + ": split update, rows move from "
                + from + " to " + to, new Route.RowMove(from, to));
    }

    private static BigInteger integer(KeyValues.Key key) {
        if (!(key instanceof KeyValues.Key.Text text)) {
            return null;
        }
        try {
            return new BigInteger(text.text().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static PgException refused(DistributedRelation relation, String column, String why, Route rows) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "updating the distribution key column \"" + column
                + "\" of relation \"" + relation.name() + "\" is not supported here: " + why)
                .withDetail(rows.reason())
                .withHint("Update one key at a time (WHERE " + column + " = <key>), setting it to a constant, a parameter, or "
                        + column + " plus or minus a constant.");
    }
}
