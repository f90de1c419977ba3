package dev.shardgate.console.exec;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.console.ast.Show;
import dev.shardgate.console.parse.ConsoleParser;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.console.ast.KillClient;
import dev.shardgate.console.ast.SetParameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs console statements against a QDB. The statements of one query are one implicit transaction,
 * like a multi-statement simple Query in PostgreSQL: their metadata changes go to the QDB as a
 * single batch, applied entirely or not at all, and every SHOW among them answers from the
 * snapshot that batch produced. Thread-safe; holds no state between calls.
 */
public final class ConsoleExecutor {
    private final Qdb qdb;
    private final RouterStatus status;
    private final OwnStatements own;

    public ConsoleExecutor(Qdb qdb, RouterStatus status) {
        this(qdb, status, OwnStatements.NONE);
    }

    /**
     * @param own statements another component (the coordinator) answers itself; they take effect
     *            when they run, outside the query's metadata batch
     */
    public ConsoleExecutor(Qdb qdb, RouterStatus status, OwnStatements own) {
        this.qdb = Objects.requireNonNull(qdb);
        this.status = Objects.requireNonNull(status);
        this.own = Objects.requireNonNull(own);
    }

    /** What SHOW lists on every console (router and coordinator), as the console names it: the console reference documents each. */
    public static List<String> showTargets() {
        return java.util.Arrays.stream(ShowTarget.values()).map(ShowTarget::consoleName).toList();
    }

    /** Statements the executor passes to another component instead of running them. */
    public interface OwnStatements {
        OwnStatements NONE = new OwnStatements() {
            @Override
            public boolean handles(ConsoleStatement statement) {
                return false;
            }

            @Override
            public ConsoleResult run(ConsoleStatement statement) {
                throw new IllegalStateException("handles nothing");
            }

            @Override
            public Optional<List<String>> describe(ConsoleStatement statement) {
                return Optional.empty();
            }
        };

        /** The first of {@code parts} that handles a statement runs and describes it. */
        static OwnStatements firstOf(List<OwnStatements> parts) {
            List<OwnStatements> copy = List.copyOf(parts);
            return new OwnStatements() {
                @Override
                public boolean handles(ConsoleStatement statement) {
                    return copy.stream().anyMatch(part -> part.handles(statement));
                }

                @Override
                public ConsoleResult run(ConsoleStatement statement) {
                    return owner(statement).run(statement);
                }

                @Override
                public Optional<List<String>> describe(ConsoleStatement statement) {
                    return owner(statement).describe(statement);
                }

                private OwnStatements owner(ConsoleStatement statement) {
                    return copy.stream().filter(part -> part.handles(statement)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException("no part handles " + statement));
                }
            };
        }

        boolean handles(ConsoleStatement statement);

        /** Runs a statement {@link #handles} accepted; throws {@link PgException} to refuse it. */
        ConsoleResult run(ConsoleStatement statement);

        /** The columns {@link #run} will return, as {@link ConsoleExecutor#describe}. */
        Optional<List<String>> describe(ConsoleStatement statement);
    }

    private Step plan(ConsoleStatement statement, Metadata queryStart, Metadata draft) {
        if (own.handles(statement)) {
            return new Step.Reply(shaped(statement, own.run(statement)));
        }
        if (changesMetadata(statement)) {
            // "Not here" comes before "not valid": the command would be refused however it was written.
            qdb.checkWritable();
        }
        Step step = StepPlanner.plan(statement, queryStart, draft);
        if (step instanceof Step.SequenceDrop drop) {
            SequenceStatements.checkDrop(qdb, draft, drop.name());
        }
        return step;
    }

    /** SHOW's column list, GROUP BY and ORDER BY apply to every target, also those another component answers. */
    private static ConsoleResult shaped(ConsoleStatement statement, ConsoleResult result) {
        if (statement instanceof Show show && result instanceof ConsoleResult.Rows rows) {
            return ShowShape.of(show).apply(rows);
        }
        return result;
    }

    private static boolean changesMetadata(ConsoleStatement statement) {
        return !(statement instanceof Show || statement instanceof KillClient || statement instanceof SetParameter
                || statement instanceof dev.shardgate.console.ast.Help
                || statement instanceof dev.shardgate.console.ast.SyncReferenceTables
                || statement instanceof dev.shardgate.console.ast.RecoverTwoPhase
                || statement instanceof dev.shardgate.console.ast.Reload
                || statement instanceof dev.shardgate.console.ast.FailoverShard
                || statement instanceof dev.shardgate.console.ast.SwitchoverShard
                || statement instanceof dev.shardgate.console.ast.PauseTraffic
                || statement instanceof dev.shardgate.console.ast.ResumeTraffic);
    }

    /**
     * Parses and runs one query text.
     *
     * @return one result per statement, in order; empty for a text without statements
     * @throws PgException 42601 with a position for a syntax error; the SQLSTATE and message of the
     *         first refused statement otherwise, in which case nothing was changed
     */
    public List<ConsoleResult> execute(String text) {
        return execute(ConsoleParser.parse(text));
    }

    /** Runs parsed statements as one query; see {@link #execute(String)}. */
    public List<ConsoleResult> execute(List<ConsoleStatement> statements) {
        try {
            Metadata queryStart = qdb.snapshot();
            Metadata draft = queryStart;
            List<MetadataChange> batch = new ArrayList<>();
            List<Step> steps = new ArrayList<>(statements.size());
            for (ConsoleStatement statement : statements) {
                Step step = plan(statement, queryStart, draft);
                if (step instanceof Step.Change change) {
                    // Each statement sees the ones before it; the QDB validates the whole batch again.
                    draft = draft.apply(change.changes());
                    batch.addAll(change.changes());
                }
                steps.add(step);
            }
            Metadata after = batch.isEmpty() ? draft : qdb.apply(batch);
            return steps.stream().map(step -> answer(step, after)).toList();
        } catch (MetadataException e) {
            throw MetadataErrors.toPg(e);
        }
    }

    /**
     * Statements run one at a time but applied together, as the extended protocol's implicit
     * transaction up to Sync: each statement sees the ones before it, and nothing reaches the QDB
     * before {@link Batch#commit()}.
     */
    public Batch batch() {
        return new Batch();
    }

    /** See {@link #batch()}. Not thread-safe: one per session. */
    public final class Batch {
        private Metadata start = qdb.snapshot();
        private Metadata draft = start;
        private final List<MetadataChange> changes = new ArrayList<>();
        private final List<String> sequenceDrops = new ArrayList<>();

        private Batch() {
        }

        /** Checks and answers one statement against the batch so far; SHOWs see the batch's changes. */
        public ConsoleResult execute(ConsoleStatement statement) {
            try {
                Step step = plan(statement, start, draft);
                if (step instanceof Step.Change change) {
                    draft = draft.apply(change.changes());
                    changes.addAll(change.changes());
                }
                if (step instanceof Step.SequenceDrop drop) {
                    sequenceDrops.add(drop.name()); // nothing reaches the QDB before commit
                    return new ConsoleResult.Done("DROP SEQUENCE");
                }
                return answer(step, draft);
            } catch (MetadataException e) {
                throw MetadataErrors.toPg(e);
            }
        }

        /** Applies the batch's changes in one QDB write; the QDB checks them again against its state. */
        public void commit() {
            List<MetadataChange> pending = List.copyOf(changes);
            List<String> drops = List.copyOf(sequenceDrops);
            changes.clear();
            sequenceDrops.clear();
            try {
                draft = pending.isEmpty() ? qdb.snapshot() : qdb.apply(pending);
                start = draft;
                for (String name : drops) {
                    SequenceStatements.drop(qdb, draft, name);
                }
            } catch (MetadataException e) {
                draft = qdb.snapshot();
                start = draft;
                throw MetadataErrors.toPg(e);
            }
        }

        /** Forgets the batch's changes (an error ended the implicit transaction). */
        public void abandon() {
            changes.clear();
            sequenceDrops.clear();
            draft = qdb.snapshot();
            start = draft;
        }
    }

    /**
     * The columns a statement returns, without running it, for the extended protocol's Describe.
     *
     * @return empty for statements that return no rows
     * @throws PgException for a SHOW that would fail on its target or WHERE columns
     */
    public Optional<List<String>> describe(ConsoleStatement statement) {
        if (own.handles(statement)) {
            Optional<List<String>> columns = own.describe(statement);
            return statement instanceof Show show ? columns.map(ShowShape.of(show)::columns) : columns;
        }
        if (statement instanceof Show show) {
            return Optional.of(ShowQuery.of(show).columns());
        }
        if (statement instanceof dev.shardgate.console.ast.Help) {
            return Optional.of(HelpText.COLUMNS);
        }
        return SpqrAnswers.columns(statement);
    }

    private ConsoleResult answer(Step step, Metadata snapshot) {
        return switch (step) {
            case Step.Change change -> change.answer();
            case Step.Query query -> query.query().answer(snapshot, status, qdb);
            case Step.SequenceDrop drop -> SequenceStatements.drop(qdb, snapshot, drop.name());
            case Step.Reply reply -> reply.result();
        };
    }
}
