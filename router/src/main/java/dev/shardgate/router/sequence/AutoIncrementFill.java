package dev.shardgate.router.sequence;

import dev.shardgate.meta.AutoIncrementColumn;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.InsertSite;
import dev.shardgate.sql.InsertSites;
import dev.shardgate.sql.SqlAnalyzer;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Fills the auto-increment columns an INSERT leaves out, so that ids come from the router's
 * sequences and are unique across shards. The column is added to the statement the shards run,
 * with one value per row, before the statement is routed: where the column is (part of) the
 * distribution key, the new values decide the rows' shards. A reference relation's INSERT then goes
 * to every shard holding a copy with the same text (or Bind), so every copy gets the same values.
 *
 * <p>Simple protocol: the values are written into the text. Extended protocol: at Parse the column
 * is added as parameters after the client's own ({@link Prepared}); every Bind then gets fresh
 * values for them ({@link #bind}), so a named statement executed many times gets new ids each time.
 *
 * <p>Only {@code INSERT INTO t (cols) VALUES (…), …} can take the column; any other INSERT into
 * such a relation that does not give the column itself is refused (0A000): it would silently
 * store rows without ids.
 */
public final class AutoIncrementFill {
    /** Hidden parameters are typed bigint: PostgreSQL casts them to the column's type on assignment. */
    static final int INT8 = 20;

    private final SqlAnalyzer analyzer;
    private final Supplier<Metadata> metadata;
    private final SequenceBlocks blocks;
    private final AutoIncrementRelations relations = new AutoIncrementRelations();

    public AutoIncrementFill(SqlAnalyzer analyzer, Supplier<Metadata> metadata, SequenceBlocks blocks) {
        this.analyzer = analyzer;
        this.metadata = metadata;
        this.blocks = blocks;
    }

    /**
     * A prepared statement whose auto-increment columns the router fills.
     *
     * @param sql            the text the servers prepare: the client's with the columns added as parameters
     * @param parameterTypes the client's types, padded with 0 (unspecified) to its parameter count, then bigint per hidden parameter
     * @param clientParameterCount the parameters the client binds and is told about in ParameterDescription
     * @param hidden         the sequence of each added parameter, in parameter order
     */
    public record Prepared(String clientSql, int[] clientTypes, String sql, int[] parameterTypes,
                           int clientParameterCount, List<Hidden> hidden) {
        public Prepared {
            hidden = List.copyOf(hidden);
        }
    }

    /** One added parameter: the sequence its values come from. */
    public record Hidden(String sequenceName, long start) {
    }

    /** A relation, distributed or reference, with columns the router fills. */
    private record Filled(QualifiedName name, List<AutoIncrementColumn> autoIncrement) {
        String sequenceName(AutoIncrementColumn column) {
            return column.sequenceName(name);
        }
    }

    /** One INSERT that needs columns, the relation's columns it leaves out. */
    private record Fill(InsertSite.Values site, Filled relation, List<AutoIncrementColumn> missing) {
    }

    /** What a query string needs: its sites and the INSERTs to fill; empty when nothing. */
    private record Plan(InsertSites sites, List<Fill> fills) {
        static final Plan NOTHING = new Plan(null, List.of());
    }

    /**
     * The simple-protocol text with fresh values for every auto-increment column its INSERTs leave
     * out; the same string when there is none.
     *
     * @throws PgException 0A000 for an INSERT that leaves such a column out in a form that cannot take it
     */
    public String query(String sql, Analysis analysis) {
        Plan plan = plan(sql, analysis);
        if (plan.fills().isEmpty()) {
            return sql;
        }
        List<InsertSites.Addition> additions = new ArrayList<>();
        for (Fill fill : plan.fills()) {
            int rows = fill.site().rowEnds().size();
            List<List<String>> values = new ArrayList<>(rows);
            for (int row = 0; row < rows; row++) {
                values.add(new ArrayList<>(fill.missing().size()));
            }
            for (AutoIncrementColumn column : fill.missing()) {
                long[] ids = blocks.next(fill.relation().sequenceName(column), column.start(), rows);
                for (int row = 0; row < rows; row++) {
                    values.get(row).add(Long.toString(ids[row]));
                }
            }
            additions.add(new InsertSites.Addition(fill.site(), names(fill.missing()), values));
        }
        return plan.sites().withColumns(additions);
    }

    /**
     * What a Parse becomes; null when its statement needs nothing filled.
     *
     * @throws PgException 0A000 as {@link #query}
     */
    public Prepared prepare(String sql, int[] parameterTypes) {
        if (!relations.anyIn(metadata.get())) {
            return null;
        }
        Plan plan = plan(sql, analyzer.analyze(sql));
        if (plan.fills().isEmpty()) {
            return null;
        }
        int clientCount = Math.max(parameterTypes.length, plan.sites().highestParameter());
        int next = clientCount + 1;
        List<Hidden> hidden = new ArrayList<>();
        List<InsertSites.Addition> additions = new ArrayList<>();
        for (Fill fill : plan.fills()) {
            List<List<String>> values = new ArrayList<>();
            for (int row = 0; row < fill.site().rowEnds().size(); row++) {
                List<String> rowValues = new ArrayList<>(fill.missing().size());
                for (AutoIncrementColumn column : fill.missing()) {
                    rowValues.add("$" + next++);
                    hidden.add(new Hidden(fill.relation().sequenceName(column), column.start()));
                }
                values.add(rowValues);
            }
            additions.add(new InsertSites.Addition(fill.site(), names(fill.missing()), values));
        }
        int[] types = Arrays.copyOf(parameterTypes, clientCount + hidden.size());
        Arrays.fill(types, clientCount, types.length, INT8);
        return new Prepared(sql, parameterTypes.clone(), plan.sites().withColumns(additions), types, clientCount, hidden);
    }

    /**
     * The Bind with fresh values for the hidden parameters after the client's own, in text format.
     *
     * @throws PgException 08P01 when the client binds another number of parameters than its statement has
     */
    public Bind bind(Prepared prepared, Bind bind) {
        int clientCount = prepared.clientParameterCount();
        if (bind.parameters().length != clientCount) {
            // PostgreSQL's own wording, with the counts the client knows of
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + bind.parameters().length
                    + " parameters, but prepared statement \"" + bind.statement() + "\" requires " + clientCount);
        }
        List<Hidden> hidden = prepared.hidden();
        Map<Hidden, Integer> counts = new LinkedHashMap<>();
        hidden.forEach(h -> counts.merge(h, 1, Integer::sum));
        Map<Hidden, long[]> values = new LinkedHashMap<>();
        counts.forEach((h, count) -> values.put(h, blocks.next(h.sequenceName(), h.start(), count)));
        Map<Hidden, Integer> used = new LinkedHashMap<>();
        byte[][] parameters = Arrays.copyOf(bind.parameters(), clientCount + hidden.size());
        for (int i = 0; i < hidden.size(); i++) {
            Hidden h = hidden.get(i);
            int index = used.merge(h, 1, Integer::sum) - 1;
            parameters[clientCount + i] = Long.toString(values.get(h)[index]).getBytes(StandardCharsets.US_ASCII);
        }
        return new Bind(bind.portal(), bind.statement(), formats(bind.parameterFormats(), clientCount, hidden.size()),
                parameters, bind.resultFormats());
    }

    /** The client's format codes, extended so that the hidden parameters are text. */
    private static short[] formats(short[] client, int clientCount, int hiddenCount) {
        if (client.length == 0 || (client.length == 1 && client[0] == 0)) {
            return client; // all text already
        }
        short[] formats = new short[clientCount + hiddenCount];
        for (int i = 0; i < clientCount; i++) {
            formats[i] = client.length == 1 ? client[0] : client[i];
        }
        return formats;
    }

    private Plan plan(String sql, Analysis analysis) {
        Metadata current = metadata.get();
        if (!relations.anyIn(current) || analysis == null || !analysis.isParsed() || !mayInsert(current, analysis)) {
            return Plan.NOTHING;
        }
        InsertSites sites = analyzer.insertSites(sql);
        if (!sites.isRead()) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "the router could not read the INSERT to fill the"
                    + " auto-increment columns of its relation");
        }
        List<Fill> fills = new ArrayList<>();
        for (InsertSite site : sites.inserts()) {
            Filled relation = relations.of(current, site.table());
            if (relation == null) {
                continue;
            }
            List<AutoIncrementColumn> missing = relation.autoIncrement().stream()
                    .filter(column -> !site.columns().contains(column.column()))
                    .toList();
            if (missing.isEmpty()) {
                continue; // the client gives the values itself
            }
            switch (site) {
                case InsertSite.Values values -> fills.add(new Fill(values, relation, missing));
                case InsertSite.Other other -> throw unfillable(relation.name(), missing.getFirst(), other.form());
            }
        }
        return new Plan(sites, fills);
    }

    /** Only statements naming a relation with auto-increment columns and the word INSERT need a closer look. */
    private boolean mayInsert(Metadata current, Analysis analysis) {
        for (Statement statement : analysis.statements()) {
            for (TableRef table : statement.tables()) {
                if (relations.of(current, table) != null
                        && statement.text().toLowerCase(Locale.ROOT).contains("insert")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * COPY rows are not rewritten: a COPY FROM whose column list leaves out an auto-increment
     * column would store rows without ids, so it is refused (0A000). Without a column list the
     * data holds every column, ids included.
     */
    public static void requireCopyColumns(DistributedRelation relation, List<String> copyColumns) {
        requireCopyColumns(relation.name(), relation.autoIncrement(), copyColumns);
    }

    /** As above, for a reference relation. */
    public static void requireCopyColumns(ReferenceRelation relation, List<String> copyColumns) {
        requireCopyColumns(relation.name(), relation.autoIncrement(), copyColumns);
    }

    private static void requireCopyColumns(QualifiedName relation, List<AutoIncrementColumn> autoIncrement,
                                           List<String> copyColumns) {
        if (copyColumns.isEmpty()) {
            return;
        }
        for (AutoIncrementColumn column : autoIncrement) {
            if (!copyColumns.contains(column.column())) {
                throw unfillable(relation, column, "COPY").withHint(
                        "Give \"" + column.column() + "\" in the COPY data, or insert the rows with INSERT … VALUES.");
            }
        }
    }

    private static PgException unfillable(QualifiedName relation, AutoIncrementColumn column, String form) {
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "auto-increment column \"" + column.column()
                + "\" of relation \"" + relation + "\" can only be filled by the router in"
                + " INSERT INTO … (columns) VALUES …, not in " + form)
                .withHint("List the columns and give the rows with VALUES, or give \"" + column.column() + "\" yourself.");
    }

    private static List<String> names(List<AutoIncrementColumn> columns) {
        return columns.stream().map(AutoIncrementColumn::column).toList();
    }

    /** The relations (distributed and reference) with auto-increment columns of a snapshot, looked up once per snapshot. */
    private static final class AutoIncrementRelations {
        private record Index(Metadata metadata, Map<QualifiedName, Filled> relations) {
        }

        private volatile Index index = new Index(null, Map.of());

        boolean anyIn(Metadata current) {
            return !indexOf(current).relations().isEmpty();
        }

        Filled of(Metadata current, TableRef table) {
            return indexOf(current).relations().get(new QualifiedName(table.schema(), table.name()));
        }

        private Index indexOf(Metadata current) {
            Index known = index;
            if (known.metadata() == current) {
                return known;
            }
            Map<QualifiedName, Filled> found = new LinkedHashMap<>();
            current.relations().forEach((name, relation) -> {
                if (!relation.autoIncrement().isEmpty()) {
                    found.put(name, new Filled(name, relation.autoIncrement()));
                }
            });
            current.referenceRelations().forEach((name, relation) -> {
                if (!relation.autoIncrement().isEmpty()) {
                    found.put(name, new Filled(name, relation.autoIncrement()));
                }
            });
            Index fresh = new Index(current, Map.copyOf(found));
            index = fresh;
            return fresh;
        }
    }
}
