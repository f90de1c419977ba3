package dev.shardgate.router.route;

import dev.shardgate.sql.FinishShape;

import java.util.List;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * Where a statement may run, and why; {@link #reason()} is what EXPLAIN ROUTE shows. The reason is
 * only put into words when asked for: every routed statement makes a route, few are explained.
 */
public sealed interface Route {
    String reason();

    /** Every key found lives on this shard (or a hint named it). */
    record OneShard(String shard, Supplier<String> why) implements Route {
        public OneShard(String shard, String reason) {
            this(shard, () -> reason);
        }

        @Override
        public String reason() {
            return why.get();
        }
    }

    /**
     * The keys found live on several shards. {@code move} is non-null for an UPDATE of the
     * distribution key whose rows move from one shard to another (a split update): the shards are
     * the two.
     */
    record ManyShards(SortedSet<String> shards, Supplier<String> why, RowMove move) implements Route {
        public ManyShards(SortedSet<String> shards, Supplier<String> why) {
            this(shards, why, null);
        }

        public ManyShards(SortedSet<String> shards, String reason) {
            this(shards, () -> reason, null);
        }

        @Override
        public String reason() {
            return why.get();
        }
    }

    /**
     * The statement changes something every one of these shards holds a copy of: DDL on a
     * distributed or reference relation, a write to a reference relation. Each shard runs it, and
     * their answers must agree.
     */
    record EveryShard(SortedSet<String> shards, String reason) implements Route {
    }

    /**
     * A hint ({@code __spqr__scatter_query}) sends the statement to every shard: each runs it on its
     * own data and the client gets every shard's rows, one shard after another, as SPQR answers.
     */
    record Scatter(SortedSet<String> shards, String reason) implements Route {
    }

    /**
     * The statement touches a distributed relation but names no complete key: the routing policy
     * decides. {@code within} is null when any shard may hold its rows, else the shards whose key
     * ranges intersect the ranges of keys it names (more than one): under ALLOW it runs on those.
     */
    record NoKey(String relation, String keyColumns, String reason, SortedSet<String> within) implements Route {
        public NoKey(String relation, String keyColumns, String reason) {
            this(relation, keyColumns, reason, null);
        }
    }

    /** The rows an UPDATE gives a new distribution key leave shard {@code from} for shard {@code to}. */
    record RowMove(String from, String to) {
    }

    /**
     * A SELECT that calls SQL functions whose bodies read distributed relations: run on one shard,
     * each would see that shard's rows only. It is finished on the first of {@code shards} (those
     * its own keys name, else every shard) from rows pulled from every shard, the functions
     * recreated in pg_temp over them (see FinishOnShard).
     */
    record Finished(SortedSet<String> shards, String reason, List<FinishShape.Function> functions) implements Route {
        public Finished {
            functions = List.copyOf(functions);
        }
    }

    /** The statement touches no distributed relation (SELECT 1, catalog queries, SHOW …): any shard serves it. */
    record AnyShard(String reason) implements Route {
    }
}
