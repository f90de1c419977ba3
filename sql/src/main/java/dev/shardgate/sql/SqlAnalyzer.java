package dev.shardgate.sql;

import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Analyses query strings with PostgreSQL's own grammar (libpg_query) for routing: statement kinds,
 * tables, key filters, inserted rows and session settings. Thread-safe; results are cached by exact
 * query text, so a repeated query costs one hash lookup and returns the same {@link Analysis}.
 *
 * <p>Query strings that differ only in constants ({@code … WHERE aid = 17}, {@code … WHERE aid = 42})
 * share a {@link QueryShape}: the analysis of the text with its constants masked, checked once
 * against a real parse. Such a text then costs a scan of its characters and no parse, and is not
 * stored by its exact text.
 */
public final class SqlAnalyzer {
    /** Statements longer than this (in UTF-8 bytes) are not parsed: see {@link ParserThreads}. */
    public static final int DEFAULT_MAX_STATEMENT_BYTES = 1 << 20;

    /** Longer texts are analysed but not cached, so that a few bulk INSERTs cannot fill the heap. */
    static final int MAX_CACHED_TEXT_LENGTH = 32 * 1024;

    private static final Logger log = LoggerFactory.getLogger(SqlAnalyzer.class);

    private final PgQuery parser;
    private final ParserThreads threads;
    private final AnalysisCache<Analysis> cache;
    private final AnalysisCache<QueryShape> shapes;
    private final int maxStatementBytes;
    private final int cacheEntries;

    /**
     * @param cacheEntries how many distinct query texts to keep analyses for; 0 disables the cache
     * @throws IllegalStateException when libpg_query is not installed (the message names the package)
     */
    public SqlAnalyzer(int cacheEntries) {
        this(cacheEntries, DEFAULT_MAX_STATEMENT_BYTES);
    }

    /**
     * @param maxStatementBytes the longest query string (UTF-8 bytes) to parse; longer ones get a
     *     parse error. At most {@link #DEFAULT_MAX_STATEMENT_BYTES}: the parser threads' stack is
     *     sized for that.
     */
    public SqlAnalyzer(int cacheEntries, int maxStatementBytes) {
        if (maxStatementBytes <= 0 || maxStatementBytes > DEFAULT_MAX_STATEMENT_BYTES) {
            throw new IllegalArgumentException("maxStatementBytes must be in 1.." + DEFAULT_MAX_STATEMENT_BYTES
                    + ", not " + maxStatementBytes);
        }
        this.parser = PgQuery.load();
        this.threads = ParserThreads.shared();
        this.cache = new AnalysisCache<>(cacheEntries);
        this.shapes = new AnalysisCache<>(cacheEntries);
        this.maxStatementBytes = maxStatementBytes;
        this.cacheEntries = cacheEntries;
    }

    /** Never throws: text PostgreSQL would reject gives an {@link Analysis} with a parse error. */
    public Analysis analyze(String sql) {
        if (sql == null) {
            return Analysis.failed("no query text");
        }
        Analysis cached = cache.get(sql);
        if (cached != null) {
            return cached;
        }
        ConstantMask mask = cacheEntries == 0 || sql.length() > MAX_CACHED_TEXT_LENGTH ? null : ConstantMask.of(sql);
        if (mask != null) {
            Analysis byShape = byShape(sql, mask);
            if (byShape != null) {
                return byShape;
            }
        }
        Analysis fresh;
        try {
            fresh = analyzeUncached(sql);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Analysis.failed("statement analysis was interrupted");
        } catch (RuntimeException e) {
            log.warn("event=sql_analysis_failed length={} error={}", sql.length(), e.toString());
            return Analysis.failed("statement could not be analysed: " + e.getMessage());
        }
        return sql.length() <= MAX_CACHED_TEXT_LENGTH ? cache.putIfAbsent(sql, fresh) : fresh;
    }

    /**
     * How a single-statement query string that runs on several shards is split among them and its
     * answers merged; never throws. Parsed afresh: such statements are rarer than routed ones.
     */
    public MultiShardShape multiShardShape(String sql) {
        return parsedAfresh(sql, MultiShardAnalysis::shape, MultiShardShape.Unsupported::new);
    }

    /**
     * The same, knowing where the tables' rows live: a SELECT over several distributed relations
     * joined on their distribution key, or grouped by it, is pushed down to the shards whole.
     */
    public MultiShardShape multiShardShape(String sql, Placement.Lookup placements) {
        return parsedAfresh(sql, (tree, utf8) -> MultiShardAnalysis.shape(tree, utf8, placements),
                MultiShardShape.Unsupported::new);
    }

    /**
     * The key values a SELECT whose shards could each answer alone is pinned to through one of its
     * top-level relations (see PinnedKey); null when none. Parsed afresh, never throws.
     */
    public PinnedKey pinnedKey(String sql, Placement.Lookup placements) {
        return parsedAfresh(sql, (tree, utf8) -> PinnedKey.read(tree, utf8, placements), reason -> null);
    }

    /**
     * How an UPDATE of the distribution key takes its rows off their old shard (a split update);
     * parsed afresh. Never throws: what cannot be read is refused with the reason.
     */
    public KeyMove keyMove(String sql) {
        return parsedAfresh(sql, KeyMove::read, KeyMove::refused);
    }

    /**
     * How a SELECT the shards cannot answer alone is finished on one backend from the rows it needs
     * (see {@link FinishShape}); refused with the reason when it cannot be.
     *
     * @param pullReferences reference relations are pulled too, not read in place
     */
    public FinishShape finishShape(String sql, Placement.Lookup placements, boolean pullReferences) {
        return parsedAfresh(sql, (tree, utf8) -> FinishAnalysis.shape(tree, utf8, placements, pullReferences),
                FinishShape.Refused::new);
    }

    /**
     * As {@link #finishShape(String, Placement.Lookup, boolean)} for a SELECT calling SQL functions
     * whose bodies read distributed relations: each body is spliced as the statement is (its
     * relations pulled whole), the function recreated over it in pg_temp, and every call (in the
     * statement and the bodies) made to that copy.
     */
    public FinishShape finishShape(String sql, Placement.Lookup placements, boolean pullReferences,
                                   java.util.List<FinishShape.Function> functions) {
        FinishShape shape = parsedAfresh(sql, (tree, utf8) -> FinishAnalysis.shape(tree, utf8, placements, pullReferences,
                functions, "sg_finish_", false), FinishShape.Refused::new);
        if (functions.isEmpty() || !(shape instanceof FinishShape.Finish finish)) {
            return shape;
        }
        java.util.List<FinishShape.Pull> pulls = new java.util.ArrayList<>(finish.pulls());
        java.util.List<String> definitions = new java.util.ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            FinishShape.Function function = functions.get(i);
            String prefix = "sg_function" + (i + 1) + "_";
            FinishShape body = parsedAfresh(function.body(), (tree, utf8) -> FinishAnalysis.shape(tree, utf8, placements,
                    pullReferences, functions, prefix, true), FinishShape.Refused::new);
            if (body instanceof FinishShape.Refused refused) {
                return new FinishShape.Refused("the body of function " + function.qualifiedName() + " cannot be spliced to"
                        + " read the rows pulled to the finishing shard: " + refused.reason());
            }
            FinishShape.Finish spliced = (FinishShape.Finish) body;
            pulls.addAll(spliced.pulls());
            definitions.add("CREATE FUNCTION pg_temp." + Identifiers.quoted(function.name()) + function.header()
                    + " AS " + dollarQuoted(spliced.finishSql()));
        }
        return new FinishShape.Finish(finish.finishSql(), pulls, definitions);
    }

    private static String dollarQuoted(String text) {
        String tag = "$sg$";
        for (int n = 1; text.contains(tag); n++) {
            tag = "$sg" + n + "$";
        }
        return tag + text + tag;
    }

    /**
     * The plain column references of a one-SELECT text's select list (a view's definition), with
     * their output names; null when the text is not one SELECT. Never throws.
     */
    public java.util.List<SelectedColumn> selectedColumns(String sql) {
        return parsedAfresh(sql, (tree, utf8) -> SelectedColumn.read(tree), reason -> null);
    }

    /**
     * The SQL-level PREPARE, EXECUTE or DEALLOCATE a one-statement query string holds, or null;
     * parsed afresh (the router tracks such statements per session). Never throws.
     */
    public PreparedCommand preparedCommand(String sql) {
        return parsedAfresh(sql, PreparedCommand::read, reason -> null);
    }

    /**
     * The INSERTs of a query string and where columns can be added to them; parsed afresh, as only
     * INSERTs into relations with auto-increment columns need it. Never throws: a text that cannot
     * be read gives {@link InsertSites#isRead()} false.
     */
    public InsertSites insertSites(String sql) {
        return parsedAfresh(sql, InsertSiteReader::read, reason -> InsertSites.unread(sql == null ? "" : sql));
    }

    /** Reads what a caller needs from a parse tree and the UTF-8 text it was parsed from. */
    @FunctionalInterface
    private interface TreeReader<T> {
        T read(Object tree, byte[] utf8);
    }

    /**
     * The text parsed afresh (not cached) on a parser thread and read; when there is no tree to read,
     * what {@code otherwise} makes of the reason. Never throws.
     */
    private <T> T parsedAfresh(String sql, TreeReader<T> reader, java.util.function.Function<String, T> otherwise) {
        if (sql == null || sql.indexOf('\0') >= 0) {
            return otherwise.apply("no query text");
        }
        byte[] utf8 = sql.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > maxStatementBytes) {
            return otherwise.apply("query text too long to analyse");
        }
        try {
            return threads.call(() -> switch (parser.parse(utf8)) {
                case PgQuery.Outcome.Failure failure -> otherwise.apply(failure.message());
                case PgQuery.Outcome.Tree tree -> reader.read(Json.parse(tree.json()), utf8);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise.apply("statement analysis was interrupted");
        } catch (RuntimeException | StackOverflowError e) {
            return otherwise.apply("statement could not be analysed: " + e.getMessage());
        }
    }

    /**
     * The analysis from the text's shape, learning the shape from this text when it is new; null
     * when the shape cannot give it (then the text is analysed on its own).
     */
    private Analysis byShape(String sql, ConstantMask mask) {
        QueryShape shape = shapes.get(mask.key());
        if (shape == null) {
            Analysis[] both;
            try {
                both = analyzeTogether(mask.masked(), sql);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Analysis.failed("statement analysis was interrupted");
            } catch (RuntimeException e) {
                return null;
            }
            QueryShape learned = QueryShape.of(mask, both[0], sql, both[1]);
            if (learned == null) {
                return cache.putIfAbsent(sql, both[1]);
            }
            shapes.putIfAbsent(mask.key(), learned);
            return learned instanceof QueryShape.Template ? both[1] : cache.putIfAbsent(sql, both[1]);
        }
        return switch (shape) {
            case QueryShape.Template template -> template.fill(mask, sql);
            case QueryShape.Unusable unusable -> null;
        };
    }

    /** Both texts on one parser thread hand-off: the masked text and the original. */
    private Analysis[] analyzeTogether(String masked, String original) throws InterruptedException {
        byte[] maskedUtf8 = masked.getBytes(StandardCharsets.UTF_8);
        byte[] originalUtf8 = original.getBytes(StandardCharsets.UTF_8);
        if (original.indexOf('\0') >= 0 || originalUtf8.length > maxStatementBytes || maskedUtf8.length > maxStatementBytes) {
            throw new IllegalArgumentException("not analysed by shape");
        }
        return threads.call(() -> new Analysis[] {parseAndRead(maskedUtf8), parseAndRead(originalUtf8)});
    }

    /** Whether the text is answered from a checked shape, without a parse. */
    boolean answersByShape(String sql) {
        ConstantMask mask = ConstantMask.of(sql);
        return mask != null && shapes.get(mask.key()) instanceof QueryShape.Template template
                && template.fill(mask, sql) != null;
    }

    int cachedEntries() {
        return cache.size();
    }

    private Analysis analyzeUncached(String sql) throws InterruptedException {
        if (sql.indexOf('\0') >= 0) {
            // The wire protocol cannot carry it, and the parser would stop reading at it.
            return Analysis.failed("query text contains a zero byte");
        }
        byte[] utf8 = sql.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > maxStatementBytes) {
            return Analysis.failed("query text of " + utf8.length + " bytes is longer than the " + maxStatementBytes
                    + " bytes the router analyses");
        }
        return threads.call(() -> parseAndRead(utf8));
    }

    /** Runs on a parser thread. */
    private Analysis parseAndRead(byte[] utf8) {
        try {
            return switch (parser.parse(utf8)) {
                case PgQuery.Outcome.Failure failure -> Analysis.failed(failure.message());
                case PgQuery.Outcome.Tree tree -> new Analysis(ParseTreeReader.statements(Json.parse(tree.json()), utf8), null);
            };
        } catch (Json.TooDeep | StackOverflowError e) {
            return Analysis.failed("statement is nested too deeply to analyse");
        } catch (RuntimeException e) {
            log.warn("event=sql_analysis_failed bytes={} error={}", utf8.length, e.toString());
            return Analysis.failed("statement could not be analysed: " + e.getMessage());
        }
    }
}
