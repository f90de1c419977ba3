package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.backend.SqlStates;
import dev.shardgate.sql.FinishShape;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyFail;
import dev.shardgate.wire.CopyInResponse;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rows a statement finished on one shard needs, pulled into temporary tables of the finishing
 * backend: for each reference, {@code COPY (SELECT columns FROM relation WHERE pushed conjuncts) TO
 * STDOUT} on each of its shards, streamed message by message into {@code COPY … FROM STDIN} (binary
 * format both ways: exact for every type, whatever DateStyle or extra_float_digits the client set).
 * The temporary tables get the relation's column types and collations from its catalog, and go with
 * the finishing backend's transaction (ON COMMIT DROP).
 */
final class IntermediateResults {
    private final BackendConnection finisher;
    private final String finishShard;
    private final ClientEncoding encoding;
    private final long limit;
    private long pulled;

    /**
     * @param finisher the finishing backend, in a transaction block
     * @param limit max_intermediate_result_size: the bytes of COPY data all pulls together may bring
     */
    IntermediateResults(BackendConnection finisher, String finishShard, ClientEncoding encoding, long limit) {
        this.finisher = finisher;
        this.finishShard = finishShard;
        this.encoding = encoding;
        this.limit = limit;
    }

    /** A column of a pulled relation, as its catalog gives it. */
    private record Column(String name, String definition) {
    }

    /**
     * Creates the reference's temporary table and fills it from {@code shards}.
     *
     * @param sources a backend on each shard: the client's own within its transaction block, so that
     *     its uncommitted writes are read
     */
    void pull(FinishShape.Pull pull, List<String> shards, Map<String, BackendLink> sources) throws IOException {
        String catalogShard = shards.getFirst();
        List<Column> columns = columns(sources.get(catalogShard).backend, catalogShard, pull.table());
        Set<String> names = columns.stream().map(Column::name).collect(Collectors.toSet());
        List<Column> chosen = pull.allColumns() ? columns
                : columns.stream().filter(column -> pull.names().contains(column.name())).toList();
        if (chosen.isEmpty()) {
            chosen = List.of(columns.getFirst()); // count(*) needs the rows, not their values
        }
        String list = chosen.stream().map(column -> Identifiers.quoted(column.name())).collect(Collectors.joining(", "));
        String temp = "pg_temp." + Identifiers.quoted(pull.tempName());
        execute("CREATE TEMP TABLE " + temp + " (" + chosen.stream().map(Column::definition)
                .collect(Collectors.joining(", ")) + ") ON COMMIT DROP");
        String where = pull.filter().stream().filter(conjunct -> names.containsAll(conjunct.unqualifiedNames()))
                .map(FinishShape.Conjunct::sql).collect(Collectors.joining(" AND "));
        String copyOut = "COPY (SELECT " + list + " FROM " + Identifiers.quoted(pull.table()) + " AS " + Identifiers.quoted(pull.refName())
                + (where.isEmpty() ? "" : " WHERE " + where) + ") TO STDOUT (FORMAT binary)";
        String copyIn = "COPY " + temp + " (" + list + ") FROM STDIN (FORMAT binary)";
        for (String shard : shards) {
            copy(sources.get(shard).backend, shard, copyOut, copyIn);
        }
        // the planner of the finishing statement sees how many rows came, as it would on one server
        execute("ANALYZE " + temp);
    }

    /** What EXPLAIN ROUTE says of a pull: the relation, its shards and the conjuncts that may go with it. */
    static String describe(FinishShape.Pull pull, List<String> shards) {
        String filter = pull.filter().stream().map(FinishShape.Conjunct::sql).collect(Collectors.joining(" AND "));
        return pull.table().qualifiedName() + (pull.table().alias() != null ? " " + pull.table().alias() : "")
                + " from " + String.join(", ", shards) + " (" + (pull.allColumns() ? "all columns" : "columns it names")
                + (filter.isEmpty() ? "" : "; filter " + filter) + ")";
    }

    private void copy(BackendConnection source, String shard, String copyOut, String copyIn) throws IOException {
        ShardedCopy.send(finisher, finishShard, Query.of(copyIn, encoding));
        while (true) {
            BackendMessage message = ShardedCopy.read(finisher, finishShard);
            if (message instanceof CopyInResponse) {
                break;
            }
            if (message instanceof ErrorResponse error) {
                untilReady(finisher, finishShard);
                throw named(finishShard, error);
            }
        }
        ShardedCopy.send(source, shard, Query.of(copyOut, encoding));
        ErrorResponse sourceError = null;
        boolean over = false;
        while (true) {
            BackendMessage message = ShardedCopy.read(source, shard);
            if (message instanceof CopyData data && !over) {
                pulled += data.data().length;
                over = pulled > limit;
                if (over) {
                    // the rest of this shard's rows is read and dropped: its backend stays usable
                    ShardedCopy.send(finisher, finishShard, new CopyFail("max_intermediate_result_size exceeded"));
                } else {
                    finisher.writer().write(data);
                }
            } else if (message instanceof ErrorResponse error) {
                sourceError = sourceError == null ? error : sourceError;
            } else if (message instanceof ReadyForQuery) {
                break;
            }
        }
        if (!over) {
            ShardedCopy.send(finisher, finishShard, sourceError == null ? CopyDone.INSTANCE
                    : new CopyFail("shard " + shard + " failed"));
        }
        ErrorResponse finishError = untilReady(finisher, finishShard);
        if (over) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "the rows this statement pulls to finish it on shard \""
                    + finishShard + "\" exceed max_intermediate_result_size (" + size(limit) + "): more than " + size(pulled)
                    + " were read").withHint("Filter the relations it reads, or raise max_intermediate_result_size in router.yaml.");
        }
        if (sourceError != null) {
            throw named(shard, sourceError);
        }
        if (finishError != null) {
            throw named(finishShard, finishError);
        }
    }

    private static String size(long bytes) {
        return bytes >= 10L << 20 ? (bytes >> 20) + " MB" : bytes >= 10L << 10 ? (bytes >> 10) + " kB" : bytes + " bytes";
    }

    /** The relation's columns (attnum order) with their types and collations, read on a shard that holds it. */
    private List<Column> columns(BackendConnection backend, String shard, TableRef table) {
        String regclass = Identifiers.quoted(table);
        String sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod) || coalesce(' COLLATE '"
                + " || quote_ident(n.nspname) || '.' || quote_ident(c.collname), '') FROM pg_catalog.pg_attribute a"
                + " LEFT JOIN pg_catalog.pg_collation c ON c.oid = a.attcollation"
                + " LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace"
                + " WHERE a.attrelid = '" + regclass.replace("'", "''") + "'::regclass AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY a.attnum";
        ShardedCopy.send(backend, shard, Query.of(sql, encoding));
        List<Column> columns = new ArrayList<>();
        ErrorResponse error = null;
        while (true) {
            BackendMessage message = ShardedCopy.read(backend, shard);
            switch (message) {
                case DataRow row -> {
                    String name = text(row.values()[0]);
                    columns.add(new Column(name, Identifiers.quoted(name) + " " + text(row.values()[1])));
                }
                case ErrorResponse e -> error = e;
                case ReadyForQuery ready -> {
                    if (error != null) {
                        throw named(shard, error);
                    }
                    if (columns.isEmpty()) {
                        throw new PgException(SqlState.UNDEFINED_TABLE, "shard \"" + shard + "\": relation "
                                + table.qualifiedName() + " has no columns to pull");
                    }
                    return columns;
                }
                default -> { }
            }
        }
    }

    private String text(byte[] value) {
        return encoding.decode(value, 0, value.length);
    }

    private void execute(String sql) throws IOException {
        try {
            BackendQueries.execute(finisher, sql, encoding);
        } catch (PgException e) {
            throw new PgException(e.sqlState(), "shard \"" + finishShard + "\": " + e.getMessage());
        }
    }

    /** Reads through ReadyForQuery; the first error on the way, or null. */
    private static ErrorResponse untilReady(BackendConnection backend, String shard) {
        ErrorResponse error = null;
        while (true) {
            BackendMessage message = ShardedCopy.read(backend, shard);
            if (message instanceof ErrorResponse e && error == null) {
                error = e;
            }
            if (message instanceof ReadyForQuery) {
                return error;
            }
        }
    }

    private static PgException named(String shard, ErrorResponse error) {
        return new PgException(SqlStates.fromCode(error.code()), "shard \"" + shard + "\": " + error.message());
    }
}
