package dev.shardgate.router.catalog;

import dev.shardgate.sql.FunctionRef;
import dev.shardgate.sql.TableRef;

import java.util.List;
import java.util.Optional;

/** What one shard's catalog says about names, under the asking session's search_path. */
public interface Catalog {
    /** The relation the name resolves to, or empty when none does (PostgreSQL will say so). */
    Optional<RelationInfo> relation(TableRef table);

    /** Every function the name may call: all functions of that name visible on the search_path (or in the schema written). */
    List<FunctionInfo> functions(FunctionRef function);

    /**
     * The relation's columns in their order (attnum), without dropped ones: the order in which an
     * INSERT without a column list gives them values. Empty when no relation has that name.
     */
    List<String> columns(TableRef table);
}
