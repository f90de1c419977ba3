package dev.shardgate.sql;

import java.util.List;
import java.util.Set;

/**
 * How a SELECT that neither shard-local pushdown nor the streaming merge can answer is finished on
 * one PostgreSQL instead (Citus's intermediate results): the rows each distributed relation
 * reference needs are pulled from its shards into a temporary table on a finishing backend, and the
 * statement, its references spliced to read those tables, runs there.
 */
public sealed interface FinishShape {

    /**
     * @param finishSql the statement with each pulled reference replaced by its temporary table
     *     (under the reference's own alias, or its name)
     * @param pulls what each pulled reference fetches, in the order of the references in the text
     *     (then those of the functions' bodies)
     * @param functionDefinitions the CREATE FUNCTION statements that recreate, in pg_temp, each SQL
     *     function the statement calls whose body reads distributed relations, its body spliced to
     *     read the pulls; the statement (and the other bodies) call these copies
     */
    record Finish(String finishSql, List<Pull> pulls, List<String> functionDefinitions) implements FinishShape {
        public Finish {
            pulls = List.copyOf(pulls);
            functionDefinitions = List.copyOf(functionDefinitions);
        }

        public Finish(String finishSql, List<Pull> pulls) {
            this(finishSql, pulls, List.of());
        }
    }

    /**
     * An SQL function whose body reads distributed relations, finished with the statement that calls it.
     *
     * @param header what follows the name in CREATE FUNCTION up to AS: its arguments, result,
     *     language, volatility and strictness, as the catalog gives them
     *     ({@code (lo integer, hi integer) RETURNS bigint LANGUAGE sql STABLE})
     * @param body its body (prosrc)
     */
    record Function(String schema, String name, String header, String body) {
        public String qualifiedName() {
            return schema + "." + name;
        }

        /** Whether a call written with these names calls this function. */
        boolean isCalledBy(List<String> names) {
            return names.size() == 1 ? names.getFirst().equals(name)
                    : names.size() == 2 && names.getFirst().equals(schema) && names.get(1).equals(name);
        }
    }

    /** The statement cannot be finished on one backend; {@code reason} says why (for 0A000). */
    record Refused(String reason) implements FinishShape {
    }

    /**
     * One relation reference read from its shards.
     *
     * @param table the relation as written
     * @param refName the name its columns are qualified with in the statement (alias, else relation name)
     * @param tempName the temporary table (in pg_temp) that stands for it
     * @param reference a reference relation (one copy holds every row), else a distributed one
     *     (or a view over one): each of its shards holds some rows
     * @param allColumns every column is needed ({@code *}, a whole-row reference, NATURAL, column aliases)
     * @param names else the column names the statement mentions anywhere: a superset of the
     *     relation's columns it uses (the router keeps those the relation has)
     * @param filter conjuncts of the WHERE of the reference's own query level that read only this
     *     reference, safe to evaluate on the shards before the statement runs
     */
    record Pull(TableRef table, String refName, String tempName, boolean reference, boolean allColumns,
                Set<String> names, List<Conjunct> filter) {
        public Pull {
            names = Set.copyOf(names);
            filter = List.copyOf(filter);
        }
    }

    /**
     * A conjunct pushed to the shards, deparsed.
     *
     * @param unqualifiedNames column names it uses without qualifier: it is pushed only when the
     *     relation has all of them (otherwise they name another relation's or an outer query's column)
     */
    record Conjunct(String sql, Set<String> unqualifiedNames) {
        public Conjunct {
            unqualifiedNames = Set.copyOf(unqualifiedNames);
        }
    }
}
