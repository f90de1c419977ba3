package dev.shardgate.router.merge;

import dev.shardgate.sql.TableRef;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one shard's catalog says about collations, for the tables of a statement's FROM clause.
 * A collation is {@link #C} when it orders text by bytes (libc C or POSIX), {@link #DEFAULT} for the
 * database default, {@link #NOT_COLLATABLE} for types without collation, else its name.
 *
 * @param databaseDefault the database's default collation: {@link #C} or a name such as
 *     {@code en_US.UTF-8} or {@code en-US (icu)}
 * @param relations for each relation of the FROM scope, in its order: its columns' collations by
 *     name, or null when the shard has no such relation (a WITH query, a missing table)
 * @param nondeterministic the shard's nondeterministic collations (pg_collation.collisdeterministic
 *     false), each by its name and by schema.name: values equal in them may differ in bytes
 */
public record ShardCollations(String shard, String databaseDefault, List<Map<String, String>> relations,
                              Set<String> nondeterministic) {
    public static final String C = "C";
    public static final String DEFAULT = "default";
    public static final String NOT_COLLATABLE = "-";

    public ShardCollations {
        relations = relations.stream().map(columns -> columns == null ? null : Map.copyOf(columns)).toList();
        nondeterministic = Set.copyOf(nondeterministic);
    }

    /** A shard without nondeterministic collations. */
    public ShardCollations(String shard, String databaseDefault, List<Map<String, String>> relations) {
        this(shard, databaseDefault, relations, Set.of());
    }

    /** The columns of the i-th relation of the FROM scope; null when unknown. */
    Map<String, String> columnsOf(int relation) {
        return relation < relations.size() ? relations.get(relation) : null;
    }

    /** The relations of a scope named by a column reference's qualifier (alias, or name when unaliased). */
    static boolean names(TableRef relation, List<String> qualifier) {
        return switch (qualifier.size()) {
            case 1 -> relation.alias() != null ? relation.alias().equals(qualifier.getFirst())
                    : relation.name().equals(qualifier.getFirst());
            case 2 -> relation.alias() == null && qualifier.getFirst().equals(relation.schema())
                    && qualifier.getLast().equals(relation.name());
            default -> false;
        };
    }
}
