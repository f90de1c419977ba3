package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the analyses of all query strings with one {@link ConstantMask#key() masked text} have in
 * common: the analysis of the masked text, whose {@code $n} stand for the constants, or the finding
 * that it cannot stand in for them.
 *
 * <p>A template is only accepted after filling it in with one query string's constants gave exactly
 * the analysis the parser gives that string. What the analysis does with a constant does not depend
 * on its value except through equality (a key listed twice is listed once), so a template is used
 * only when the constants it is filled with are pairwise distinct; otherwise the text is parsed.
 */
sealed interface QueryShape {

    /** The masked text's analysis cannot stand in for the originals: each text is parsed on its own. */
    record Unusable() implements QueryShape {
    }

    /**
     * @param analysis the analysis of the masked text
     * @param statementStarts where each statement's text starts in the masked text
     * @param statementEnds where each statement's text ends in the masked text
     */
    record Template(Analysis analysis, int[] statementStarts, int[] statementEnds) implements QueryShape {
        /** The analysis of {@code original}, or null when its constants are not pairwise distinct. */
        Analysis fill(ConstantMask mask, String original) {
            if (!distinct(mask)) {
                return null;
            }
            List<Statement> statements = analysis.statements();
            List<Statement> filled = new ArrayList<>(statements.size());
            for (int s = 0; s < statements.size(); s++) {
                Statement statement = statements.get(s);
                String text = original.substring(mask.originalOffset(statementStarts[s]),
                        mask.originalOffset(statementEnds[s])).strip();
                filled.add(new Statement(statement.kind(), statement.tables(), filters(statement.filters(), mask),
                        rows(statement.insertRows(), mask), statement.set(), text, writes(statement.writes(), mask),
                        statement.definesSharedObject(), statement.functions()));
            }
            return new Analysis(filled, null);
        }

        private static List<KeyFilter> filters(List<KeyFilter> filters, ConstantMask mask) {
            if (filters.isEmpty()) {
                return filters;
            }
            List<KeyFilter> filled = new ArrayList<>(filters.size());
            for (KeyFilter filter : filters) {
                List<Value> values = null;
                if (filter.hasValues()) {
                    values = new ArrayList<>(filter.values().size());
                    for (Value value : filter.values()) {
                        values.add(constant(value, mask));
                    }
                }
                List<List<KeyInterval>> ranges = new ArrayList<>(filter.ranges().size());
                for (List<KeyInterval> union : filter.ranges()) {
                    List<KeyInterval> filledUnion = new ArrayList<>(union.size());
                    for (KeyInterval interval : union) {
                        filledUnion.add(new KeyInterval(constantOrOpen(interval.lower(), mask), interval.lowerInclusive(),
                                constantOrOpen(interval.upper(), mask), interval.upperInclusive()));
                    }
                    ranges.add(filledUnion);
                }
                filled.add(new KeyFilter(filter.table(), filter.column(), values, ranges));
            }
            return filled;
        }

        private static List<InsertRow> rows(List<InsertRow> rows, ConstantMask mask) {
            if (rows.isEmpty()) {
                return rows;
            }
            List<InsertRow> filled = new ArrayList<>(rows.size());
            for (InsertRow row : rows) {
                Map<String, Value> values = new LinkedHashMap<>();
                row.values().forEach((column, value) -> values.put(column, constant(value, mask)));
                List<Value> positions = null;
                if (row.positions() != null) {
                    positions = new ArrayList<>(row.positions().size());
                    for (Value value : row.positions()) {
                        positions.add(value == null ? null : constant(value, mask));
                    }
                }
                filled.add(new InsertRow(row.table(), values, positions));
            }
            return filled;
        }

        private static List<Write> writes(List<Write> writes, ConstantMask mask) {
            List<Write> filled = new ArrayList<>(writes.size());
            for (Write write : writes) {
                if (write.assignments().isEmpty()) {
                    filled.add(write);
                    continue;
                }
                Map<String, Assignment> assignments = new LinkedHashMap<>();
                write.assignments().forEach((column, assignment) -> assignments.put(column, switch (assignment) {
                    case Assignment.Given given -> new Assignment.Given(constant(given.value(), mask));
                    case Assignment.Shifted shifted -> new Assignment.Shifted(constant(shifted.step(), mask), shifted.minus());
                }));
                filled.add(new Write(write.table(), write.kind(), write.assignedColumns(), write.unknownRows(), assignments));
            }
            return filled;
        }

        /** {@code $n} of the masked text is the n-th constant; constants left in the masked text stay. */
        private static Value constantOrOpen(Value value, ConstantMask mask) {
            return value == null ? null : constant(value, mask);
        }

        private static Value constant(Value value, ConstantMask mask) {
            return switch (value) {
                case Value.Param param -> mask.literal(param.number() - 1);
                case Value.Literal literal -> literal;
            };
        }

        private static boolean distinct(ConstantMask mask) {
            int count = mask.count();
            for (int i = 1; i < count; i++) {
                for (int j = 0; j < i; j++) {
                    if (mask.kinds()[i] == mask.kinds()[j] && mask.values()[i].equals(mask.values()[j])) {
                        return false;
                    }
                }
            }
            return true;
        }
    }

    Unusable UNUSABLE = new Unusable();

    /**
     * The shape of {@code mask}'s texts, checked against one of them: {@code original}, which the
     * parser analysed as {@code ofOriginal}. Null when that text cannot decide (its constants are not
     * pairwise distinct).
     */
    static QueryShape of(ConstantMask mask, Analysis ofMasked, String original, Analysis ofOriginal) {
        if (!ofMasked.isParsed() || !ofOriginal.isParsed() || mask.count() > ConstantMask.MAX_CONSTANTS) {
            return UNUSABLE;
        }
        List<Statement> statements = ofMasked.statements();
        int[] starts = new int[statements.size()];
        int[] ends = new int[statements.size()];
        int from = 0;
        for (int s = 0; s < statements.size(); s++) {
            String text = statements.get(s).text();
            int at = mask.masked().indexOf(text, from);
            if (at < 0) {
                return UNUSABLE;
            }
            starts[s] = at;
            ends[s] = at + text.length();
            from = ends[s];
        }
        Template template = new Template(ofMasked, starts, ends);
        if (!Template.distinct(mask)) {
            return null;
        }
        try {
            Analysis filled = template.fill(mask, original);
            return filled != null && filled.equals(ofOriginal) ? template : UNUSABLE;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return UNUSABLE; // a statement boundary inside a placeholder, or a $n the mask did not make
        }
    }
}
