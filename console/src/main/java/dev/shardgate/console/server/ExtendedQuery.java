package dev.shardgate.console.server;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.parse.ConsoleParser;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.BindComplete;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CloseComplete;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.EmptyQueryResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.NoData;
import dev.shardgate.wire.ParameterDescription;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.PortalSuspended;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One session's prepared statements and portals ("Extended Query" in the protocol chapter). The
 * console language has no parameters, so a statement is parsed once and a portal runs it as it
 * is; parameter values a client binds are checked for their count and otherwise unused. A portal
 * runs on its first Execute and keeps its rows, so an Execute with a row limit can resume it.
 */
final class ExtendedQuery {
    /** A Parse: null statement for an empty query string. */
    private record Prepared(ConsoleStatement statement, int[] parameterTypes) {
    }

    private static final class Portal {
        final Prepared prepared;
        final short[] resultFormats;
        ConsoleResult result;
        int rowsSent;

        Portal(Prepared prepared, short[] resultFormats) {
            this.prepared = prepared;
            this.resultFormats = resultFormats;
        }
    }

    private final ConsoleExecutor executor;
    /** The implicit transaction's changes since the last Sync; null before its first Execute. */
    private ConsoleExecutor.Batch batch;
    private final PgWriter out;
    private final Map<String, Prepared> statements = new HashMap<>();
    private final Map<String, Portal> portals = new HashMap<>();

    ExtendedQuery(ConsoleExecutor executor, PgWriter out) {
        this.executor = executor;
        this.out = out;
    }

    void parse(Parse parse) throws IOException {
        List<ConsoleStatement> parsed = ConsoleParser.parse(ConsoleSession.readable(parse.text(), parse.sql()));
        if (parsed.size() > 1) {
            throw new PgException(SqlState.SYNTAX_ERROR, "cannot insert multiple commands into a prepared statement");
        }
        if (!parse.statement().isEmpty() && statements.containsKey(parse.statement())) {
            throw new PgException(SqlState.DUPLICATE_PREPARED_STATEMENT,
                    "prepared statement \"" + parse.statement() + "\" already exists");
        }
        if (!parsed.isEmpty()) {
            // PostgreSQL checks a statement's names when parsing it; a SHOW's target and columns likewise.
            executor.describe(parsed.getFirst());
        }
        statements.put(parse.statement(), new Prepared(parsed.isEmpty() ? null : parsed.getFirst(), parse.parameterTypes()));
        out.write(ParseComplete.INSTANCE);
    }

    void bind(Bind bind) throws IOException {
        Prepared prepared = prepared(bind.statement());
        if (bind.parameters().length != prepared.parameterTypes().length) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + bind.parameters().length
                    + " parameters, but prepared statement \"" + bind.statement() + "\" requires "
                    + prepared.parameterTypes().length);
        }
        if (!bind.portal().isEmpty() && portals.containsKey(bind.portal())) {
            throw new PgException(SqlState.DUPLICATE_CURSOR, "cursor \"" + bind.portal() + "\" already exists");
        }
        short[] formats = bind.resultFormats();
        for (short format : formats) {
            if (format != 0 && format != 1) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "unsupported format code: " + format);
            }
        }
        int columns = columnsOf(prepared).map(List::size).orElse(0);
        if (formats.length > 1 && formats.length != columns) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "bind message has " + formats.length + " result formats but query has " + columns + " columns");
        }
        portals.put(bind.portal(), new Portal(prepared, formats));
        out.write(BindComplete.INSTANCE);
    }

    void describe(Describe describe) throws IOException {
        if (describe.kind() == Describe.STATEMENT) {
            Prepared prepared = prepared(describe.name());
            Optional<List<String>> columns = columnsOf(prepared);
            int[] types = prepared.parameterTypes().clone();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == 0) {
                    types[i] = RowDescription.Field.TEXT_OID;
                }
            }
            out.write(new ParameterDescription(types));
            writeDescription(columns, new short[0]);
        } else {
            Portal portal = portal(describe.name());
            writeDescription(columnsOf(portal.prepared), portal.resultFormats);
        }
    }

    void execute(Execute execute) throws IOException {
        Portal portal = portal(execute.portal());
        if (portal.prepared.statement() == null) {
            out.write(EmptyQueryResponse.INSTANCE);
            return;
        }
        if (portal.result == null) {
            if (batch == null) {
                batch = executor.batch();
            }
            portal.result = batch.execute(portal.prepared.statement());
        }
        switch (portal.result) {
            case ConsoleResult.Rows rows -> {
                int start = portal.rowsSent;
                int end = execute.maxRows() > 0
                        ? (int) Math.min(rows.rows().size(), (long) start + execute.maxRows())
                        : rows.rows().size();
                for (int i = start; i < end; i++) {
                    out.write(ResultWriter.dataRow(rows.rows().get(i)));
                }
                portal.rowsSent = end;
                // Like PostgreSQL, a portal that filled the row limit is suspended even when no row is
                // left: only the next Execute, finding none, completes it.
                if (execute.maxRows() > 0 && end - start == execute.maxRows()) {
                    out.write(PortalSuspended.INSTANCE);
                } else {
                    out.write(new CommandComplete("SELECT " + (end - start)));
                }
            }
            case ConsoleResult.Done done -> out.write(new CommandComplete(done.tag()));
        }
    }

    void close(Close close) throws IOException {
        if (close.kind() == Close.STATEMENT) {
            statements.remove(close.name());
        } else {
            portals.remove(close.name());
        }
        out.write(CloseComplete.INSTANCE);
    }

    /**
     * The end of the implicit transaction: its changes are applied together, or not at all when a
     * statement failed; its portals close, prepared statements stay.
     *
     * @throws PgException when the QDB refuses the batch (another session changed the metadata)
     */
    void sync(boolean succeeded) {
        portals.clear();
        ConsoleExecutor.Batch ending = batch;
        batch = null;
        if (ending == null) {
            return;
        }
        if (succeeded) {
            ending.commit();
        } else {
            ending.abandon();
        }
    }

    private void writeDescription(Optional<List<String>> columns, short[] formats) throws IOException {
        if (columns.isPresent()) {
            out.write(ResultWriter.description(columns.get(), formats));
        } else {
            out.write(NoData.INSTANCE);
        }
    }

    private Optional<List<String>> columnsOf(Prepared prepared) {
        return prepared.statement() == null ? Optional.empty() : executor.describe(prepared.statement());
    }

    private Prepared prepared(String name) {
        Prepared prepared = statements.get(name);
        if (prepared == null) {
            throw new PgException(SqlState.INVALID_SQL_STATEMENT_NAME, name.isEmpty()
                    ? "unnamed prepared statement does not exist"
                    : "prepared statement \"" + name + "\" does not exist");
        }
        return prepared;
    }

    private Portal portal(String name) {
        Portal portal = portals.get(name);
        if (portal == null) {
            throw new PgException(SqlState.INVALID_CURSOR_NAME, "portal \"" + name + "\" does not exist");
        }
        return portal;
    }
}
