package dev.shardgate.router.session;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.copy.CopyCommand;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.sequence.AutoIncrementFill;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyOutResponse;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * COPY … FROM STDIN and COPY … TO STDOUT of a whole distributed or reference relation: rows in go to
 * the shard of their key (to every copy, for a reference relation), rows out are the shards' rows
 * one shard after the other. The client sees one COPY with the total count.
 */
final class ShardedCopy {
    private ShardedCopy() {
    }

    /** Runs the statement if it is a COPY of a distributed or reference relation; false when it goes the usual way. */
    static boolean runIfSharded(ClientSession session, String sql, Analysis analysis, Route route) throws IOException {
        if (analysis == null || !analysis.isParsed() || analysis.statements().size() != 1) {
            return false;
        }
        Statement statement = analysis.statements().getFirst();
        if (statement.kind() != StatementKind.COPY || statement.tables().size() != 1) {
            return false;
        }
        boolean hinted = route instanceof Route.OneShard one && one.reason().startsWith("hint");
        Metadata metadata = session.context().metadata();
        var table = statement.tables().getFirst();
        QualifiedName name = new QualifiedName(table.schema(), table.name());
        Optional<DistributedRelation> relation = metadata.relation(name);
        Optional<ReferenceRelation> reference = metadata.referenceRelation(name);
        if (relation.isEmpty() && reference.isEmpty()) {
            return false;
        }
        CopyCommand command = CopyCommand.parse(sql);
        if (command == null) {
            return false; // COPY (query) TO STDOUT, or to a file: routed as its query
        }
        if (hinted && !(command.from() && relation.isPresent())) {
            return false; // a hint may say where to read; a distributed relation's rows go by their keys
        }
        if (command.from() && relation.isPresent()) {
            AutoIncrementFill.requireCopyColumns(relation.get(), command.columns()); // COPY rows get no ids
        } else if (command.from()) {
            AutoIncrementFill.requireCopyColumns(reference.get(), command.columns());
        }
        if (command.format() == CopyCommand.Format.BINARY) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "binary COPY of relation " + name
                    + " over several shards is not supported: use text or CSV format");
        }
        SortedSet<String> shards = relation.isPresent() ? shardsOf(metadata, relation.get()) : shardsOf(metadata, reference.get());
        if (!command.from() && reference.isPresent()) {
            shards = new TreeSet<>(List.of(shards.first())); // one copy is the whole table
        }
        // within a transaction block every shard joins the client's transaction and copies within it
        boolean inTransactionBlock = session.inTransactionBlock();
        if (command.from() && relation.isPresent() && !inTransactionBlock) {
            // each shard opened at its first row: a shard that is down fails only a COPY with rows for it
            List<String> candidates = List.copyOf(shards);
            MultiShardStatements.runOnShards(session, List.of(), links ->
                    CopyIn.lazy(session, sql, command, metadata, relation.get(), links, candidates).run());
            return true;
        }
        MultiShardStatements.runOnShards(session, shards, links -> command.from()
                ? new CopyIn(session, sql, command, metadata, relation.orElse(null), links, inTransactionBlock).run()
                : copyOut(session, sql, command, links));
        return true;
    }

    /** The shards that hold key ranges of the relation's distribution, and its default shard. */
    static SortedSet<String> shardsOf(Metadata metadata, DistributedRelation relation) {
        SortedSet<String> shards = new TreeSet<>();
        metadata.index(relation.distributionId()).ranges().forEach(range -> shards.add(range.shardId()));
        metadata.distribution(relation.distributionId()).flatMap(d -> d.defaultShard()).ifPresent(shards::add);
        if (shards.isEmpty()) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "distribution \"" + relation.distributionId()
                    + "\" of relation " + relation.name() + " has no key range: rows have nowhere to go");
        }
        return shards;
    }

    static SortedSet<String> shardsOf(Metadata metadata, ReferenceRelation reference) {
        return reference.isOnAllShards() ? new TreeSet<>(metadata.shards().keySet()) : new TreeSet<>(reference.shardIds());
    }

    /**
     * Each shard's COPY TO STDOUT in turn, its rows passed through as they come; a CSV header is the
     * first shard's only. Each shard reads its own snapshot.
     *
     * @return true when every backend ended idle
     */
    private static boolean copyOut(ClientSession session, String sql, CopyCommand command, Map<String, BackendLink> links)
            throws IOException {
        return copyOut(session, sql, command.header(), links);
    }

    /** As above, for a COPY whose CSV header (when {@code header}) each shard writes. */
    static boolean copyOut(ClientSession session, String sql, boolean header, Map<String, BackendLink> links)
            throws IOException {
        long[] total = {0};
        String[] headerSkipped = {null};
        boolean succeeded = inTurn(session, sql, links, (shard, first, message) -> {
            switch (message) {
                case CopyOutResponse response -> {
                    if (first) {
                        session.out.write(response);
                    }
                }
                case CopyData data -> {
                    if (header && !first && !shard.equals(headerSkipped[0])) {
                        headerSkipped[0] = shard;
                    } else {
                        session.out.write(data);
                    }
                }
                case CommandComplete complete -> total[0] += countOf(complete.tag());
                default -> { } // CopyDone: the client gets one, after the last shard
            }
        });
        if (succeeded) {
            session.out.write(CopyDone.INSTANCE);
            session.out.write(new CommandComplete("COPY " + total[0]));
        }
        return true;
    }

    /** What a caller makes of one message of a shard's answer in its turn. */
    @FunctionalInterface
    interface TurnAnswer {
        void on(String shard, boolean first, BackendMessage message) throws IOException;
    }

    /**
     * Sends the query to each shard in turn and hands the messages of its answer, up to its
     * ReadyForQuery, to {@code answer} ({@code first} for the first shard's); notices go to the
     * client. The first shard that fails ends the turns, and the client gets its error named after it.
     *
     * @return false when a shard failed
     */
    static boolean inTurn(ClientSession session, String sql, Map<String, BackendLink> links, TurnAnswer answer)
            throws IOException {
        boolean first = true;
        for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
            String shard = entry.getKey();
            BackendConnection backend = entry.getValue().backend;
            send(backend, shard, Query.of(sql, session.settings.clientEncoding()));
            ErrorResponse error = null;
            while (true) {
                BackendMessage message = read(backend, shard);
                switch (message) {
                    case ErrorResponse e -> error = error == null ? named(shard, e) : error;
                    case NoticeResponse notice -> session.out.write(notice);
                    default -> answer.on(shard, first, message);
                }
                if (message instanceof ReadyForQuery) {
                    break;
                }
            }
            first = false;
            if (error != null) {
                session.out.write(error);
                return false;
            }
        }
        return true;
    }

    static void send(BackendConnection backend, String shard, dev.shardgate.wire.FrontendMessage message) {
        try {
            backend.writer().write(message);
            backend.writer().flush();
        } catch (IOException e) {
            backend.markBroken();
            throw backend.lost(e);
        }
    }

    /** The backend's next message; ParameterStatus is noted and skipped, ReadyForQuery noted. */
    static BackendMessage read(BackendConnection backend, String shard) {
        try {
            while (true) {
                BackendMessage message = backend.reader().readBackend();
                if (message instanceof ParameterStatus parameter) {
                    backend.reported().put(parameter.name(), parameter.value());
                    continue;
                }
                if (message instanceof ReadyForQuery ready) {
                    backend.readyForQuery(ready.status());
                }
                return message;
            }
        } catch (IOException e) {
            backend.markBroken();
            throw backend.lost(e);
        }
    }

    /** The shard's error with the shard named first in its message, its other fields kept. */
    static ErrorResponse named(String shard, ErrorResponse error) {
        Map<Byte, String> fields = new LinkedHashMap<>(error.fields());
        fields.put(dev.shardgate.wire.ErrorFields.MESSAGE, "shard \"" + shard + "\": " + error.message());
        return new ErrorResponse(fields);
    }

    static long countOf(String tag) {
        int space = tag.lastIndexOf(' ');
        try {
            return space < 0 ? 0 : Long.parseLong(tag.substring(space + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static List<String> columnsOf(BackendConnection backend, String shard, QualifiedName table, ClientEncoding encoding) {
        String regclass = Identifiers.quoted(table.schema()) + "." + Identifiers.quoted(table.name());
        send(backend, shard, Query.of("SELECT attname FROM pg_attribute WHERE attrelid = '"
                + regclass.replace("'", "''") + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum", encoding));
        List<String> columns = new ArrayList<>();
        ErrorResponse error = null;
        while (true) {
            BackendMessage message = read(backend, shard);
            switch (message) {
                case dev.shardgate.wire.DataRow row -> columns.add(encoding.decode(row.values()[0], 0, row.values()[0].length));
                case ErrorResponse e -> error = e;
                case ReadyForQuery ready -> {
                    if (error != null) {
                        // almost always 42P01: the relation is missing on the shard
                        throw new PgException(SqlState.UNDEFINED_TABLE, "shard \"" + shard + "\": " + error.message());
                    }
                    return columns;
                }
                default -> { }
            }
        }
    }

}
